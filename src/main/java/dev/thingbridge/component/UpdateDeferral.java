package dev.thingbridge.component;

import dev.thingbridge.component.events.DeviceEvent;
import dev.thingbridge.component.events.DeviceEventSink;
import dev.thingbridge.internal.Futures;
import dev.thingbridge.greengrass.ComponentUpdateEvent;
import dev.thingbridge.greengrass.IpcLifecycle;
import dev.thingbridge.greengrass.IpcStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a Greengrass deployment from restarting the component in the middle of an MCU flash: subscribed to
 * component updates ({@code SubscribeToComponentUpdates}), it answers every pre-update event with {@code
 * DeferComponentUpdate}: while a flash is under way, a deferral of {@link #RECHECK} with a message naming the
 * flashes (the nucleus asks again after it); when none is, a go-ahead (recheck 0), so the deployment waits no
 * longer than it must. Each answer is one {@code component.update} event.
 *
 * <p>The nucleus proceeds anyway once the deployment's update-policy timeout passes (60 s by default): a flash
 * interrupted then continues from its journal at the next start. Local deployments do not notify at all.
 */
final class UpdateDeferral implements AutoCloseable {
  /** How long each deferral asks the nucleus to wait before it asks again. */
  static final Duration RECHECK = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(UpdateDeferral.class);

  private final IpcLifecycle lifecycle;
  private final Supplier<List<String>> flashes;
  private final String gateway;
  private final DeviceEventSink events;
  private volatile IpcStream stream;

  /**
   * @param flashes the flashes under way, one line each (empty when none)
   */
  UpdateDeferral(IpcLifecycle lifecycle, Supplier<List<String>> flashes, String gateway, DeviceEventSink events) {
    this.lifecycle = lifecycle;
    this.flashes = flashes;
    this.gateway = gateway;
    this.events = events;
  }

  /** Subscribes; a nucleus that refuses (an old one) is logged and leaves updates undeferred. */
  CompletableFuture<Void> start() {
    return lifecycle.subscribeToComponentUpdates(this::onEvent).handle((s, e) -> {
      if (e != null) {
        log.warn("component updates: cannot subscribe ({}); a deployment may restart the component mid-flash",
            Futures.unwrap(e).getMessage());
      } else {
        stream = s;
      }
      return null;
    });
  }

  private void onEvent(ComponentUpdateEvent event) {
    if (!event.before()) {
      log.info("component update: deployment {} applied", event.deploymentId());
      return;
    }
    List<String> busy = flashes.get();
    Duration recheck = busy.isEmpty() ? Duration.ZERO : RECHECK;
    String message = busy.isEmpty() ? "thingbridge: no MCU flash in progress"
        : "thingbridge: flashing " + String.join(", ", busy) + "; ask again in " + RECHECK.toSeconds() + " s";
    lifecycle.deferComponentUpdate(event.deploymentId(), message, recheck).whenComplete((v, e) -> {
      if (e != null) {
        log.warn("component update: could not answer deployment {}: {}", event.deploymentId(),
            Futures.unwrap(e).getMessage());
      }
    });
    events.accept(DeviceEvent.of("component", "component.update", gateway, "deployment", event.deploymentId(),
        "answer", busy.isEmpty() ? "go-ahead" : "deferred", "recheckSeconds", recheck.toSeconds(),
        "flashes", String.join(", ", busy)));
  }

  @Override
  public void close() {
    IpcStream s = stream;
    if (s != null) {
      s.close();
    }
  }
}
