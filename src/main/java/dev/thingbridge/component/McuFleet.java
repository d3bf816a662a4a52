package dev.thingbridge.component;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.component.ComponentConfig.Mcu;
import dev.thingbridge.component.events.DeviceEvent;
import dev.thingbridge.component.events.DeviceEventSink;
import dev.thingbridge.internal.Futures;
import dev.thingbridge.mcu.DeviceInfo;
import dev.thingbridge.mcu.McuConfig;
import dev.thingbridge.mcu.McuDevice;
import dev.thingbridge.mcu.serial.SerialLinkOpener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCUs attached by serial: each port opened and probed at start, its state ({@code online}, {@code
 * unavailable} with the reason) reported as an {@code mcu.state} event and kept for {@code mcu/list} and the
 * health shadow. The open devices are what an MCU's OTA platform flashes through.
 */
final class McuFleet implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(McuFleet.class);

  private record Entry(Mcu config, McuDevice device, ObjectNode state) {}

  private final Map<String, Entry> mcus = new LinkedHashMap<>();
  private final DeviceEventSink events;

  /**
   * @param opener how ports are opened (the real serial ports; in-memory ones or PTYs in tests and demos), or null
   *     for the default
   */
  McuFleet(List<Mcu> configs, SerialLinkOpener opener, DeviceEventSink events) {
    this.events = events;
    for (Mcu m : configs) {
      McuConfig.Builder b = McuConfig.builder(m.port()).id(m.id()).baud(m.baud());
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
      } else {
        emit(entry);
      }
    }
  }

  private void probed(Entry e, DeviceInfo info, Throwable error) {
    synchronized (mcus) {
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

  /** The open device of an MCU, if its port could be opened. */
  Optional<McuDevice> device(String id) {
    synchronized (mcus) {
      Entry e = mcus.get(id);
      return e == null ? Optional.empty() : Optional.ofNullable(e.device);
    }
  }

  @Override
  public void close() {
    synchronized (mcus) {
      mcus.values().forEach(e -> {
        if (e.device != null) {
          e.device.close();
        }
      });
      mcus.clear();
    }
  }
}
