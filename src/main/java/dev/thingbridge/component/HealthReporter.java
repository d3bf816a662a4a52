package dev.thingbridge.component;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.component.events.DeviceEvent;
import dev.thingbridge.component.events.DeviceEventSink;
import dev.thingbridge.internal.Futures;
import dev.thingbridge.shadows.ShadowClient;
import dev.thingbridge.shadows.model.ShadowUpdateRequest;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the component's health and its MCUs' states in a named shadow of the gateway ({@code
 * shadows.healthShadow}), as {@code reported}: at start, after every MCU, connection or component event (at most
 * once per {@link #MIN_GAP}), and every {@link #HEARTBEAT}. A report that fails is tried again at the next turn.
 */
final class HealthReporter implements DeviceEventSink, AutoCloseable {
  static final Duration MIN_GAP = Duration.ofSeconds(2);
  static final Duration HEARTBEAT = Duration.ofMinutes(15);
  private static final Logger log = LoggerFactory.getLogger(HealthReporter.class);

  private final ShadowClient shadow;
  private final Supplier<ObjectNode> health;
  private final ScheduledExecutorService timer;
  private final Object lock = new Object();
  private ScheduledFuture<?> pending;
  private final ScheduledFuture<?> heartbeat;
  private volatile boolean closed;

  /**
   * @param health the {@code reported} section to send, built fresh for each report
   */
  HealthReporter(ShadowClient shadow, Supplier<ObjectNode> health, ScheduledExecutorService timer) {
    this.shadow = shadow;
    this.health = health;
    this.timer = timer;
    this.heartbeat = timer.scheduleWithFixedDelay(this::report, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Reports at once: the first report, when the component starts. */
  void reportNow() {
    schedule(Duration.ZERO);
  }

  /** Reports within {@link #MIN_GAP}, once however often it is asked meanwhile. */
  void reportSoon() {
    schedule(MIN_GAP);
  }

  private void schedule(Duration delay) {
    synchronized (lock) {
      if (closed || pending != null && !pending.isDone()) {
        return;
      }
      pending = timer.schedule(this::report, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void accept(DeviceEvent event) {
    if (event.stream().equals("mcu") && !event.type().equals("mcu.progress") || event.stream().equals("component")) {
      reportSoon();
    }
  }

  private void report() {
    if (closed) {
      return;
    }
    shadow.update(new ShadowUpdateRequest(null, health.get(), null, null)).whenComplete((doc, e) -> {
      if (e != null) {
        log.info("health shadow {}: report failed ({}); trying again later", shadow.topics().shadowName().orElse(""),
            Futures.unwrap(e).getMessage());
      } else {
        log.debug("health shadow reported, version {}", doc.version());
      }
    });
  }

  @Override
  public void close() {
    closed = true;
    heartbeat.cancel(false);
    synchronized (lock) {
      if (pending != null) {
        pending.cancel(false);
      }
    }
  }
}
