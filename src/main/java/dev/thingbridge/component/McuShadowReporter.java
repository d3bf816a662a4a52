package dev.thingbridge.component;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.component.events.DeviceEvent;
import dev.thingbridge.component.events.DeviceEventSink;
import dev.thingbridge.internal.Futures;
import dev.thingbridge.mcu.FlashResult;
import dev.thingbridge.mcu.McuDevice;
import dev.thingbridge.mcu.McuOtaPlatform;
import dev.thingbridge.mcu.smp.ImageSlot;
import dev.thingbridge.mcu.smp.ImageState;
import dev.thingbridge.shadows.ShadowClient;
import dev.thingbridge.shadows.model.ShadowUpdateRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports each MCU's firmware in the named shadow {@value #SHADOW} of the MCU's own thing, as {@code reported}:
 * {@code state} ({@code online} or {@code unreachable} with a {@code reason}), {@code version} (the running image),
 * {@code imageState} ({@code confirmed} or {@code testing}), {@code images} (every slot with its flags) and {@code
 * lastFlash} (outcome, job id, time, version, error code and message). A report is sent after the MCU is probed at
 * start, when a reachability check finds it answering again or no longer, and after every OTA or flash job for its
 * thing ends (flashed, refused, reverted or failed), with the image state read afresh. The last flash is kept in
 * the MCU's state directory ({@link McuLastFlash}), so the first report after a restart still carries it; its
 * outcome is the flash's typed {@link McuOtaPlatform.FlashEnd}, not text. While a job for the MCU runs, {@code
 * flashing} names it ({@code jobId}, {@code since}); the report at its end removes it. An unreachable MCU reports only its state and reason: the shadow keeps the last
 * known version and images, since a shadow update merges.
 *
 * <p>Reports of one MCU are sent one after the other, in the order they were asked for. A report that fails is
 * logged; the next one carries the whole state again.
 */
final class McuShadowReporter implements DeviceEventSink {
  /** The named shadow of the MCU's thing that carries its firmware state. */
  static final String SHADOW = "firmware";
  private static final Logger log = LoggerFactory.getLogger(McuShadowReporter.class);

  /** One MCU: what the reports need, the job in progress, and the tail of its report chain. */
  private static final class Mcu {
    final String id;
    final String thing;
    final McuDevice device;
    /** Where its last flash is kept; null when the component keeps no state on disk. */
    final Path stateDir;
    String jobId;
    /** The platform and the number of its last ended flash when the job began: later ones are the job's. */
    McuOtaPlatform platformAtStart;
    long flashesAtStart;
    McuLastFlash lastFlash;
    CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    Mcu(String id, String thing, McuDevice device, Path stateDir) {
      this.id = id;
      this.thing = thing;
      this.device = device;
      this.stateDir = stateDir;
      this.lastFlash = stateDir == null ? null : McuLastFlash.load(stateDir).orElse(null);
    }
  }

  private final Map<String, Mcu> byThing = new ConcurrentHashMap<>();
  private final Function<String, ShadowClient> shadows;
  private final Function<String, McuOtaPlatform> platforms;
  private final BiFunction<String, String, Path> stateDirs;
  private volatile boolean closed;

  /**
   * @param shadows the shadow client for a thing's {@value #SHADOW} shadow, or null when shadows are off (read at
   *     each report, so that a new shadow backend is followed)
   * @param platforms the OTA platform of an MCU by its id (null before its thing's OTA agent is built)
   * @param stateDirs the state directory of an MCU by its id and thing, where its last flash is kept across
   *     restarts; null when the component keeps no state on disk
   */
  McuShadowReporter(Function<String, ShadowClient> shadows, Function<String, McuOtaPlatform> platforms,
      BiFunction<String, String, Path> stateDirs) {
    this.shadows = shadows;
    this.platforms = platforms;
    this.stateDirs = stateDirs;
  }

  /**
   * Reports the MCU {@code id} once probed, and whenever a reachability check finds it changed: its image state,
   * or unreachable with {@code problem}. The first report after a restart carries the last flash kept on disk.
   */
  void probed(String id, String thing, McuDevice device, Throwable problem) {
    Mcu m = byThing.computeIfAbsent(thing, t -> new Mcu(id, thing, device, stateDirs.apply(id, thing)));
    if (problem != null || device == null) {
      report(m, unreachable(problem == null ? "the port cannot be opened" : Futures.unwrap(problem).getMessage()));
    } else {
      reportImages(m);
    }
  }

  @Override
  public void accept(DeviceEvent event) {
    Mcu m = byThing.get(event.thing());
    if (m == null || !event.stream().equals("ota")) {
      return;
    }
    if (event.type().equals("ota.status")) {
      String jobId = event.fields().path("jobId").asText(null);
      boolean started = false;
      synchronized (m) {
        if (jobId != null && !jobId.equals(m.jobId)) {
          m.jobId = jobId;
          m.platformAtStart = platforms.apply(m.id);
          m.flashesAtStart = m.platformAtStart == null ? 0
              : m.platformAtStart.lastFlash().map(McuOtaPlatform.FlashEnd::number).orElse(0L);
          started = true;
        }
      }
      if (started) {
        ObjectNode flashing = JsonNodeFactory.instance.objectNode();
        flashing.putObject("flashing").put("jobId", jobId).put("since", Instant.now().toString());
        report(m, flashing);
      }
    } else if (event.type().equals("ota.finished")) {
      McuLastFlash f;
      synchronized (m) {
        f = lastFlash(m, event);
        m.lastFlash = f;
      }
      if (m.stateDir != null) {
        f.save(m.stateDir);
      }
      reportImages(m);
    }
  }

  private McuLastFlash lastFlash(Mcu m, DeviceEvent event) {
    McuOtaPlatform p = platforms.apply(m.id);
    Optional<McuOtaPlatform.FlashEnd> end = p == null ? Optional.empty()
        : p.lastFlash().filter(f -> p != m.platformAtStart || f.number() > m.flashesAtStart);
    String status = event.fields().path("status").asText();
    FlashResult.Outcome outcome = end.map(McuOtaPlatform.FlashEnd::outcome).orElse(
        status.equals("SUCCEEDED") ? FlashResult.Outcome.UPDATED : FlashResult.Outcome.FAILED);
    return new McuLastFlash(outcome, event.fields().path("jobId").asText(m.jobId == null ? "" : m.jobId), status,
        Instant.now(), end.map(McuOtaPlatform.FlashEnd::reason).orElse(null),
        event.fields().path("errorCode").asText(null), event.fields().path("error").asText(null));
  }

  private void reportImages(Mcu m) {
    if (m.device == null) {
      report(m, unreachable("the port cannot be opened"));
      return;
    }
    m.device.imageState().whenComplete((images, error) -> report(m,
        error == null ? online(images) : unreachable(Futures.unwrap(error).getMessage())));
  }

  private static ObjectNode online(ImageState images) {
    ObjectNode r = JsonNodeFactory.instance.objectNode().put("state", "online").putNull("reason").putNull("flashing");
    ArrayNode slots = r.putArray("images");
    for (ImageSlot s : images.slots()) {
      slots.addObject().put("image", s.image()).put("slot", s.slot()).put("version", s.version())
          .put("hash", s.hashHex()).put("active", s.active()).put("confirmed", s.confirmed())
          .put("pending", s.pending()).put("permanent", s.permanent()).put("bootable", s.bootable());
    }
    images.active().ifPresentOrElse(a -> r.put("version", a.version()).put("imageState",
        a.confirmed() ? "confirmed" : "testing"), () -> r.putNull("version").putNull("imageState"));
    return r;
  }

  private static ObjectNode unreachable(String reason) {
    return JsonNodeFactory.instance.objectNode().put("state", "unreachable").put("reason", String.valueOf(reason))
        .putNull("flashing");
  }

  private void report(Mcu m, ObjectNode reported) {
    synchronized (m) {
      reported.put("mcu", m.id).put("checkedAt", Instant.now().toString());
      if (m.lastFlash != null) {
        reported.set("lastFlash", m.lastFlash.toJson());
      }
      m.tail = m.tail.handle((v, e) -> null).thenCompose(v -> send(m, reported));
    }
  }

  private CompletableFuture<Void> send(Mcu m, ObjectNode reported) {
    ShadowClient shadow = closed ? null : shadows.apply(m.thing);
    if (shadow == null) {
      return CompletableFuture.completedFuture(null);
    }
    return shadow.update(new ShadowUpdateRequest(null, reported, null, null)).handle((doc, e) -> {
      if (e != null) {
        log.info("mcu {}: reporting to the {} shadow of {} failed: {}", m.id, SHADOW, m.thing,
            Futures.unwrap(e).getMessage());
      } else {
        log.debug("mcu {}: {} shadow reported, version {}", m.id, SHADOW, doc.version());
      }
      return null;
    });
  }

  /** Stops reporting; reports in flight end on their own. */
  void close() {
    closed = true;
  }
}
