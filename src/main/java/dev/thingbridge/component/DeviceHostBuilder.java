package dev.thingbridge.component;

import dev.thingbridge.component.ComponentConfig.ShadowBackend;
import dev.thingbridge.component.events.DeviceEvents;
import dev.thingbridge.component.localapi.LocalBus;
import dev.thingbridge.mcu.serial.SerialLinkOpener;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.shadows.ShadowDiscovery;
import dev.thingbridge.transfer.GatewayPlatform;
import dev.thingbridge.transfer.OtaPlatform;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/** Configures a {@link DeviceHost}: {@link DeviceHost#builder} makes one. */
public final class DeviceHostBuilder {
  final MqttClient mqtt;
  final String gateway;
  final ComponentConfig config;
  Function<ShadowBackend, MqttClient> shadowBackends;
  BiFunction<ShadowBackend, String, ShadowDiscovery> discovery = (backend, thing) -> null;
  BiFunction<String, Path, OtaPlatform> otaPlatforms;
  Path workDir;
  LocalBus bus;
  DeviceEvents events = DeviceEvents.logging();
  SerialLinkOpener serialPorts;
  String componentName = "dev.thingbridge.ThingBridge";
  String version = "dev";

  DeviceHostBuilder(MqttClient mqtt, String gateway, ComponentConfig config) {
    this.mqtt = Objects.requireNonNull(mqtt, "mqtt");
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.config = Objects.requireNonNull(config, "config");
    this.shadowBackends = backend -> backend == ShadowBackend.CLOUD ? mqtt : null;
  }

  /**
   * The OTA platform of a thing that is not an MCU's, built when its jobs part starts, so under the configuration
   * {@code current} in force then (a live change of {@code ota.installDir} applies to the next job).
   */
  OtaPlatform otaPlatform(String thing, Path stateDir, ComponentConfig current) {
    if (otaPlatforms != null) {
      return otaPlatforms.apply(thing, stateDir);
    }
    return thing.equals(gateway) ? gatewayPlatform(stateDir, current) : null;
  }

  /** The gateway's own files; {@code installDir} is relative to the state directory the component started with. */
  private GatewayPlatform gatewayPlatform(Path thingState, ComponentConfig current) {
    GatewayPlatform.Builder b = GatewayPlatform.builder(thingState.resolve("ota"));
    String dir = current.ota().installDir();
    if (!dir.isEmpty()) {
      b.installDir(workDir.resolve(config.stateDir()).resolve(dir));
    }
    return b.build();
  }

  /**
   * The MQTT view of each shadow backend: CLOUD is the host's connection by default; SHADOW_MANAGER must be
   * given (over Greengrass IPC) or the configuration is refused.
   */
  public DeviceHostBuilder shadowBackends(Function<ShadowBackend, MqttClient> value) {
    this.shadowBackends = Objects.requireNonNull(value);
    return this;
  }

  /** How a prefix manager lists a thing's shadows at start, per backend (default: none). */
  public DeviceHostBuilder discovery(BiFunction<ShadowBackend, String, ShadowDiscovery> value) {
    this.discovery = Objects.requireNonNull(value);
    return this;
  }

  /**
   * The OTA platform of a thing that is not an MCU's (default: the gateway's own files for the gateway; none for
   * others). An MCU's thing is always flashed through its serial port.
   */
  public DeviceHostBuilder otaPlatforms(BiFunction<String, Path, OtaPlatform> value) {
    this.otaPlatforms = Objects.requireNonNull(value);
    return this;
  }

  /** The working directory the configuration's paths are relative to; null keeps all state in memory. */
  public DeviceHostBuilder workDir(Path value) {
    this.workDir = value;
    return this;
  }

  /** Local publish/subscribe for the local API (default: none, no local API). */
  public DeviceHostBuilder localBus(LocalBus value) {
    this.bus = value;
    return this;
  }

  /** Where events go (default: one log line each). */
  public DeviceHostBuilder events(DeviceEvents value) {
    this.events = Objects.requireNonNull(value);
    return this;
  }

  /** How MCU serial ports are opened (default: the real ports). */
  public DeviceHostBuilder serialPorts(SerialLinkOpener value) {
    this.serialPorts = value;
    return this;
  }

  /** The component's name and version, for its status and health. */
  public DeviceHostBuilder component(String name, String version) {
    this.componentName = Objects.requireNonNull(name);
    this.version = Objects.requireNonNull(version);
    return this;
  }

  /** The host, not started yet: {@link DeviceHost#start} starts it. */
  public DeviceHost build() {
    return new DeviceHost(this);
  }
}
