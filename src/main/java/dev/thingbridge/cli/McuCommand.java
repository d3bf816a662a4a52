package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mcu.DeviceInfo;
import dev.thingbridge.mcu.FlashResult;
import dev.thingbridge.mcu.McuDevice;
import dev.thingbridge.mcu.smp.ImageSlot;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;

/**
 * {@code thingbridge mcu}: microcontrollers on a serial port, over MCUmgr SMP (the library is {@code
 * dev.thingbridge.mcu}). The work is in the subcommands; these helpers render the library's values as JSON.
 */
@Command(name = "mcu",
    description = "Microcontrollers on a serial port (MCUmgr SMP): information, images, flash with test/confirm/"
        + "rollback, reset, and a fake MCU on a PTY to try it all without hardware.",
    subcommands = {McuInfoCommand.class, McuListImagesCommand.class, McuFlashCommand.class, McuResetCommand.class,
        McuFakeCommand.class})
public final class McuCommand {
  private McuCommand() {}

  /** Waits for a device operation, unwrapping its failure for the exit-code mapping. */
  static <T> T await(CompletableFuture<T> future, Duration timeout) throws Exception {
    try {
      return future.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new dev.thingbridge.mcu.McuTimeoutException("no answer within " + timeout.toSeconds() + " s");
    }
  }

  /** {@code mcu info}'s reply. */
  static ObjectNode render(DeviceInfo info) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("port", info.port());
    o.put("framing", info.framing());
    o.put("smpVersion", info.smpVersion());
    o.put("bufSize", info.bufSize());
    o.put("bufSizeSource", info.bufSizeSource());
    o.put("bufCount", info.bufCount());
    if (info.bootloader().isPresent()) {
      ObjectNode b = o.putObject("bootloader");
      b.put("name", info.bootloader().get().name());
      b.put("mode", info.bootloader().get().mode().name());
      b.put("modeCode", info.bootloader().get().mode().code());
      b.put("noDowngrade", info.bootloader().get().noDowngrade());
    } else {
      o.putNull("bootloader");
    }
    if (info.osInfo().isPresent()) {
      o.put("os", info.osInfo().get());
    } else {
      o.putNull("os");
    }
    o.put("inRecovery", info.inRecovery());
    o.put("rollback", info.rollbackAvailable());
    return o;
  }

  /** One entry of {@code mcu list-images}. */
  static ObjectNode render(ImageSlot s) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("image", s.image());
    o.put("slot", s.slot());
    o.put("version", s.version());
    o.put("hash", s.hashHex());
    o.put("active", s.active());
    o.put("confirmed", s.confirmed());
    o.put("pending", s.pending());
    o.put("permanent", s.permanent());
    o.put("bootable", s.bootable());
    return o;
  }

  /** {@code mcu flash}'s reply. */
  static ObjectNode render(FlashResult r) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("outcome", r.outcome().name());
    o.put("succeeded", r.succeeded());
    o.put("reason", r.reason());
    o.put("rollback", r.rollbackAvailable());
    o.put("previousVersion", r.previousVersion());
    o.put("version", r.version());
    o.put("hash", r.hash());
    o.put("bytesUploaded", r.bytesUploaded());
    o.put("resumed", r.resumed());
    o.put("seconds", r.elapsed().toMillis() / 1000.0);
    o.put("uploadSeconds", r.uploadTime().toNanos() / 1e9);
    o.put("uploadKiBps", Math.round(r.uploadKiBPerSecond() * 100) / 100.0);
    return o;
  }

  /** Opens the device of {@code port}, runs {@code work}, closes it. */
  static <T> T withDevice(McuPortOptions port, DeviceWork<T> work) throws Exception {
    try (McuDevice device = McuDevice.open(port.config())) {
      return work.run(device);
    }
  }

  @FunctionalInterface
  interface DeviceWork<T> {
    T run(McuDevice device) throws Exception;
  }
}
