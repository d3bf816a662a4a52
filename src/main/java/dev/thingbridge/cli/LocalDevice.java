package dev.thingbridge.cli;

import dev.thingbridge.component.ComponentConfig;
import dev.thingbridge.component.DeviceHost;
import dev.thingbridge.component.ThingBridgeComponent;
import dev.thingbridge.component.events.DeviceEventSink;
import dev.thingbridge.component.events.DeviceEvents;
import dev.thingbridge.component.localapi.InProcessLocalBus;
import dev.thingbridge.component.localapi.LocalBus;
import dev.thingbridge.mcu.serial.SerialLinkOpener;
import dev.thingbridge.mqtt.MqttLimits;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.mqtt.local.LocalMqttClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The device side of {@code thingbridge local}: the component as {@code run} hosts it, on ONE connection to the
 * in-process broker under the gateway's client id, with every agent of every thing (the gateway's, the extra
 * things', the MCUs'), the local API on an in-process bus, the MCUs and the health shadow. Each event is handed to
 * {@code events} as it happens.
 */
final class LocalDevice implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

  private final ThingBridgeComponent component;
  private final InProcessLocalBus bus;

  private LocalDevice(ThingBridgeComponent component, InProcessLocalBus bus) {
    this.component = component;
    this.bus = bus;
  }

  /**
   * Starts the component on {@code broker}.
   *
   * @param config the configuration; its {@code thingName} is the gateway
   * @param workDir the working directory its paths are relative to (state, handlers, certificates)
   * @param serialPorts how MCU ports are opened, or null for the real ones
   */
  static LocalDevice start(LocalBroker broker, ComponentConfig config, Path workDir, MqttLimits limits,
      DeviceEventSink events, SerialLinkOpener serialPorts) throws Exception {
    String gateway = config.thingName();
    LocalMqttClient mqtt = broker.connect(gateway, limits);
    InProcessLocalBus bus = new InProcessLocalBus();
    DeviceEvents fanOut = new DeviceEvents();
    fanOut.add(events);
    DeviceHost host;
    try {
      host = DeviceHost.builder(mqtt, gateway, config).workDir(workDir).localBus(bus).events(fanOut)
          .serialPorts(serialPorts).component(RunCommand.COMPONENT_NAME, RunCommand.version()).build();
    } catch (RuntimeException e) {
      mqtt.close();
      bus.close();
      throw e;
    }
    return new LocalDevice(ThingBridgeComponent.startStandalone(config, mqtt, host, List.of(bus), START_TIMEOUT),
        bus);
  }

  /** The local API's bus, where in-process siblings talk to the component. */
  LocalBus localBus() {
    return bus;
  }

  ComponentConfig config() {
    return component.config();
  }

  @Override
  public void close() {
    component.close();
  }
}
