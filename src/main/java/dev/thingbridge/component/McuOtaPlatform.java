package dev.thingbridge.component;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.component.events.DeviceEventSink;
import dev.thingbridge.mcu.FlashOptions;
import dev.thingbridge.mcu.FlashResult;
import dev.thingbridge.mcu.McuDevice;
import dev.thingbridge.mqtt.internal.AbstractMqttClient;
import dev.thingbridge.transfer.ImageState;
import dev.thingbridge.transfer.OtaErrorCode;
import dev.thingbridge.transfer.OtaPlatform;
import dev.thingbridge.transfer.OtaPlatformException;
import dev.thingbridge.transfer.PlatformImageState;
import dev.thingbridge.transfer.VerifiedFile;
import dev.thingbridge.internal.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OTA update of an MCU attached by serial: the OTA job downloads and verifies the MCUboot image on the gateway,
 * then {@link #activate} runs the MCU's whole update flow ({@link McuDevice#flash}: upload with resume, test, reset,
 * health check, confirm, or revert). The flow decides the outcome on the device, so the image is confirmed (or the
 * old one is back) before the OTA job's self-test step: a rejection after activation cannot roll the MCU back and is
 * recorded as such. The flash journal lives in the thing's OTA state directory, so a flash cut by a restart resumes.
 * Progress goes out as {@code mcu.progress} events.
 */
final class McuOtaPlatform implements OtaPlatform {
  private static final Logger log = LoggerFactory.getLogger(McuOtaPlatform.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A flash over a slow serial link takes minutes; this bounds the whole flow. */
  static final Duration FLASH_TIMEOUT = Duration.ofMinutes(30);

  private final String mcu;
  private final String thing;
  private final Supplier<McuDevice> device;
  private final Path stateDir;
  private final Path stateFile;
  private final DeviceEventSink events;
  private volatile Map<String, String> details = Map.of();

  /**
   * @param device the MCU's open device, or null when its port could not be opened (asked for at each use)
   * @param stateDir the thing's OTA state directory (image, journal, image state)
   */
  McuOtaPlatform(String mcu, String thing, Supplier<McuDevice> device, Path stateDir, DeviceEventSink events) {
    this.mcu = mcu;
    this.thing = thing;
    this.device = device;
    this.stateDir = stateDir.resolve("mcu-" + mcu);
    this.stateFile = this.stateDir.resolve("image-state.json");
    this.events = events;
  }

  private McuDevice device() throws OtaPlatformException {
    McuDevice d = device.get();
    if (d == null) {
      throw new OtaPlatformException(OtaErrorCode.OTHER, "mcu " + mcu + ": its serial port is not open");
    }
    return d;
  }

  @Override
  public void install(List<VerifiedFile> files, boolean awaitingCommit) throws OtaPlatformException {
    if (!awaitingCommit || files.size() != 1) {
      throw new OtaPlatformException(OtaErrorCode.UNSUPPORTED, "mcu " + mcu + " takes exactly one firmware image "
          + "per update (got " + files.size() + " file(s)" + (awaitingCommit ? "" : ", not firmware") + ")");
    }
    try {
      Files.createDirectories(stateDir);
      Files.copy(files.get(0).content(), image(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new OtaPlatformException(OtaErrorCode.FILE_WRITE_FAILED, "keeping the image: " + e.getMessage(), e);
    }
  }

  /** The verified image, kept from {@link #install} until it is flashed (the download itself is cleaned up). */
  private Path image() {
    return stateDir.resolve("image.bin");
  }

  @Override
  public Activation activate(List<VerifiedFile> firmware) throws OtaPlatformException {
    byte[] image;
    try {
      image = Files.readAllBytes(image());
    } catch (IOException e) {
      throw new OtaPlatformException(OtaErrorCode.FILE_WRITE_FAILED, "reading the image: " + e.getMessage(), e);
    }
    FlashOptions options = FlashOptions.builder().stateDir(stateDir.resolve("journal")).timeout(FLASH_TIMEOUT)
        .build();
    FlashResult result = await(device().flash(image, options, EventAdapters.flash(mcu, thing, events)));
    log.info("mcu {}: flash {} ({}), version {} -> {}", mcu, result.outcome(), result.reason(),
        result.previousVersion(), result.version());
    details = Map.of("mcu", mcu, "mcuVersion", String.valueOf(result.version()),
        "flash", result.outcome().name());
    switch (result.outcome()) {
      case UPDATED, ALREADY_RUNNING -> {
        save(PlatformImageState.PENDING_COMMIT);
        return Activation.ACTIVE;
      }
      case REFUSED -> throw new OtaPlatformException(OtaErrorCode.PLATFORM_VERSION_CHECK,
          "mcu " + mcu + " refused the image: " + result.reason());
      case REVERTED -> {
        save(PlatformImageState.INVALID);
        throw new OtaPlatformException(OtaErrorCode.SELF_TEST_FAILED,
            "mcu " + mcu + " reverted to " + result.version() + ": " + result.reason());
      }
      default -> throw new OtaPlatformException(OtaErrorCode.COMMIT_FAILED,
          "mcu " + mcu + " flash failed: " + result.reason());
    }
  }

  private static <T> T await(java.util.concurrent.CompletableFuture<T> f) throws OtaPlatformException {
    try {
      return f.get(FLASH_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new OtaPlatformException(OtaErrorCode.OTHER, "interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = AbstractMqttClient.unwrap(e);
      throw new OtaPlatformException(OtaErrorCode.OTHER, String.valueOf(cause.getMessage()), cause);
    }
  }

  @Override
  public PlatformImageState imageState() throws OtaPlatformException {
    if (!Files.exists(stateFile)) {
      return PlatformImageState.VALID;
    }
    try {
      return PlatformImageState.valueOf(JSON.readTree(stateFile.toFile()).path("image").asText("VALID"));
    } catch (IOException | IllegalArgumentException e) {
      throw new OtaPlatformException(OtaErrorCode.BAD_IMAGE_STATE, "image state " + stateFile + " is unreadable: "
          + e.getMessage(), e);
    }
  }

  @Override
  public void setImageState(ImageState state) throws OtaPlatformException {
    switch (state.kind()) {
      case ACCEPTED -> save(PlatformImageState.VALID);
      case REJECTED, ABORTED -> {
        if (imageState() == PlatformImageState.PENDING_COMMIT) {
          // The MCU confirmed the image in its own flow (health check passed); it cannot be taken back from here.
          log.warn("mcu {}: the update was {} after the MCU confirmed the new image; it keeps running it", mcu,
              state.kind().name().toLowerCase(java.util.Locale.ROOT));
          save(PlatformImageState.INVALID);
        }
      }
      case TESTING, UNKNOWN -> { }
    }
  }

  @Override
  public void reset() throws OtaPlatformException {
    await(device().reset());
  }

  @Override
  public Map<String, String> statusDetails() {
    return details;
  }

  private void save(PlatformImageState image) throws OtaPlatformException {
    ObjectNode n = JSON.createObjectNode().put("image", image.name());
    try {
      Files.createDirectories(stateDir);
      AtomicFiles.write(stateFile, JSON.writeValueAsBytes(n));
    } catch (IOException e) {
      throw new OtaPlatformException(OtaErrorCode.FILE_WRITE_FAILED, "saving the image state: " + e.getMessage(), e);
    }
  }
}
