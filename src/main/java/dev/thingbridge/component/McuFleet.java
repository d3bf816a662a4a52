package dev.thingbridge.component;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.component.ComponentConfig.Mcu;
import dev.thingbridge.component.events.DeviceEvent;
import dev.thingbridge.component.events.DeviceEventSink;
import dev.thingbridge.internal.Futures;
import dev.thingbridge.mcu.DeviceInfo;
import dev.thingbridge.mcu.FlashOptions;
import dev.thingbridge.mcu.Framing;
import dev.thingbridge.mcu.HealthCheck;
import dev.thingbridge.mcu.McuErrorResponseException;
import dev.thingbridge.mcu.McuOtaPlatform;
import dev.thingbridge.mcu.McuConfig;
import dev.thingbridge.mcu.McuDevice;
import dev.thingbridge.mcu.serial.SerialLinkOpener;
import dev.thingbridge.shadows.ShadowClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCUs attached by serial: each port opened and probed at start, then checked every {@code
 * checkIntervalSeconds} by an SMP echo (never while it is being flashed); its state ({@code online}, {@code
 * not-responding} or {@code unavailable} with the reason) reported as an {@code mcu.state} event when it changes and
 * kept for {@code mcu/list} and the health shadow. The open devices are what an MCU's OTA platform flashes
 * through. Each MCU's firmware (version, slots, last flash) is reported in its own thing's shadow by a {@link
 * McuShadowReporter}, which hears the fleet's OTA events through {@link #accept}.
 */
final class McuFleet implements DeviceEventSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(McuFleet.class);

  /** How long a flashed image waits for the OTA self-test's verdict before the MCU reverts it. */
  static final Duration VERDICT_TIMEOUT = Duration.ofMinutes(5);

  /** One MCU: its configuration, its open device (null when its port could not be opened) and its state. */
  private static final class Entry {
    final Mcu config;
    final McuDevice device;
    final ObjectNode state;
    /** Whether the MCU answered its last probe or check; null before the first. */
    Boolean reachable;
    final AtomicBoolean checking = new AtomicBoolean();

    Entry(Mcu config, McuDevice device, ObjectNode state) {
      this.config = config;
      this.device = device;
      this.state = state;
    }
  }

  private final Map<String, Entry> mcus = new LinkedHashMap<>();
  /** The OTA platform of each MCU, the latest one built (an agent rebuilt by a configuration change replaces it). */
  private final Map<String, McuOtaPlatform> platforms = new ConcurrentHashMap<>();
  private final DeviceEventSink events;
  private final McuShadowReporter shadows;
  private final List<ScheduledFuture<?>> checks = new ArrayList<>();
  private volatile boolean closed;

  /**
   * @param opener how ports are opened (the real serial ports; in-memory ones or PTYs in tests and demos), or null
   *     for the default
   * @param shadowOf the client of a thing's {@value McuShadowReporter#SHADOW} shadow, or null when shadows are off
   * @param stateDirOf the state directory of a thing (where each MCU keeps its flash journal and last flash), or
   *     null when the component keeps no state on disk
   * @param timer where the reachability checks run (they only start an echo: they never block it)
   */
  McuFleet(List<Mcu> configs, SerialLinkOpener opener, DeviceEventSink events,
      Function<String, ShadowClient> shadowOf, Function<String, Path> stateDirOf, ScheduledExecutorService timer) {
    this.events = events;
    this.shadows = new McuShadowReporter(shadowOf, platforms::get, (id, thing) -> {
      Path dir = stateDirOf.apply(thing);
      return dir == null ? null : mcuDir(dir, id);
    });
    for (Mcu m : configs) {
      McuConfig.Builder b = McuConfig.builder(m.port()).id(m.id()).baud(m.baud())
          .framing(Framing.parse(m.framing())).bufSize(m.bufSize());
      if (opener != null) {
        b.opener(opener);
      }
      McuDevice device = null;
      ObjectNode state = JsonNodeFactory.instance.objectNode().put("mcu", m.id()).put("thing", m.thing())
          .put("port", m.port());
      try {
        device = McuDevice.open(b.build());
        state.put("state", "probing");
      } catch (RuntimeException e) {
        state.put("state", "unavailable").put("reason", String.valueOf(e.getMessage()));
        log.warn("mcu {}: {} cannot be opened: {}", m.id(), m.port(), e.getMessage());
      }
      Entry entry = new Entry(m, device, state);
      synchronized (mcus) {
        mcus.put(m.id(), entry);
      }
      if (device != null) {
        device.info().whenComplete((info, error) -> probed(entry, info, error));
        if (m.checkIntervalSeconds() > 0) {
          checks.add(timer.scheduleWithFixedDelay(() -> checkQuietly(entry), m.checkIntervalSeconds(),
              m.checkIntervalSeconds(), TimeUnit.SECONDS));
        }
      } else {
        emit(entry);
        shadows.probed(m.id(), m.thing(), null, null);
      }
    }
  }

  private static Path mcuDir(Path thingState, String id) {
    return thingState.resolve("mcu-" + id);
  }

  private void probed(Entry e, DeviceInfo info, Throwable error) {
    synchronized (mcus) {
      e.reachable = error == null;
      if (error == null) {
        e.state.put("state", "online").put("smpVersion", info.smpVersion()).put("inRecovery", info.inRecovery());
        info.osInfo().ifPresent(os -> e.state.put("os", os));
        e.state.remove("reason");
      } else {
        e.state.put("state", "not-responding")
            .put("reason", String.valueOf(Futures.unwrap(error).getMessage()));
      }
    }
    emit(e);
    shadows.probed(e.config.id(), e.config.thing(), e.device, error);
  }

  /** A failing check must not end the schedule (an exception would cancel it). */
  private void checkQuietly(Entry e) {
    try {
      check(e);
    } catch (RuntimeException ex) {
      e.checking.set(false);
      log.warn("mcu {}: the reachability check failed: {}", e.config.id(), ex.toString());
    }
  }

  /**
   * A reachability check: an SMP echo, skipped while the MCU is being flashed or an echo is still out. Only a
   * change (it answers again, or no longer) is reported, as an {@code mcu.state} event and in its shadow. An MCU
   * that refuses the echo with an error still answered.
   */
  private void check(Entry e) {
    McuOtaPlatform platform = platforms.get(e.config.id());
    if (closed || (platform != null && platform.flashInProgress().isPresent()) || !e.checking.compareAndSet(false,
        true)) {
      return;
    }
    e.device.echo("thingbridge-check").whenComplete((answer, error) -> {
      e.checking.set(false);
      Throwable cause = error == null ? null : Futures.unwrap(error);
      boolean reachable = cause == null || cause instanceof McuErrorResponseException;
      synchronized (mcus) {
        if (closed || Boolean.valueOf(reachable).equals(e.reachable)) {
          return;
        }
        e.reachable = reachable;
        if (reachable) {
          e.state.put("state", "online").remove("reason");
        } else {
          e.state.put("state", "not-responding").put("reason", String.valueOf(cause.getMessage()));
        }
      }
      log.info("mcu {}: {}", e.config.id(), reachable ? "answers again" : "no longer answers: " + cause.getMessage());
      emit(e);
      shadows.probed(e.config.id(), e.config.thing(), e.device, reachable ? null : cause);
    });
  }

  /** Hands OTA events to the shadow reporter: the end of a job for an MCU's thing is reported in its shadow. */
  @Override
  public void accept(DeviceEvent event) {
    shadows.accept(event);
  }

  private void emit(Entry e) {
    ObjectNode copy;
    synchronized (mcus) {
      copy = e.state.deepCopy();
    }
    copy.remove("thing");
    events.accept(new DeviceEvent("mcu", "mcu.state", e.config.thing(), copy));
  }

  /** Every MCU with its state. */
  ArrayNode list() {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    synchronized (mcus) {
      mcus.values().forEach(e -> out.add(e.state.deepCopy()));
    }
    return out;
  }

  /**
   * The OTA platform of the MCU whose thing is {@code thing}, flashing through its open port with its flash journal
   * under {@code stateDir}; null when no MCU is that thing or its port could not be opened.
   */
  McuOtaPlatform otaPlatform(String thing, Path stateDir) {
    Entry e;
    synchronized (mcus) {
      e = mcus.values().stream().filter(m -> m.config.thing().equals(thing)).findFirst().orElse(null);
    }
    if (e == null || e.device == null) {
      return null; // no such MCU, or its port could not be opened: logged, reported in the health shadow
    }
    FlashOptions.Builder options = FlashOptions.builder().stateDir(mcuDir(stateDir, e.config.id()));
    Duration healthTime = Duration.ofSeconds(e.config.healthCheckSeconds());
    options.healthCheck(e.config.healthCheck().isEmpty() ? HealthCheck.echo() : HealthCheck.command(
        e.config.healthCheck()), healthTime);
    McuOtaPlatform platform = McuOtaPlatform.of(e.device, options.build(), VERDICT_TIMEOUT)
        .listener(EventAdapters.flash(e.config.id(), thing, events));
    platforms.put(e.config.id(), platform);
    return platform;
  }

  /** The flashes under way, one line each ({@code mcu-1 UPLOADING 12288/40000 bytes}); empty when none. */
  List<String> flashesInProgress() {
    List<String> out = new ArrayList<>();
    platforms.forEach((id, p) -> p.flashInProgress().ifPresent(f -> out.add(id + " " + f.step()
        + (f.bytesTotal() > 0 ? " " + f.bytesDone() + "/" + f.bytesTotal() + " bytes" : ""))));
    return out;
  }

  @Override
  public void close() {
    closed = true;
    checks.forEach(c -> c.cancel(false));
    shadows.close();
    synchronized (mcus) {
      mcus.values().forEach(e -> {
        if (e.device != null) {
          e.device.close();
        }
      });
      mcus.clear();
    }
    platforms.clear();
  }
}
