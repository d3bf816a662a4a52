package dev.thingbridge.component;

import dev.thingbridge.component.events.DeviceEventSink;
import dev.thingbridge.component.localapi.CommandClaims;
import dev.thingbridge.component.localapi.JobClaims;
import dev.thingbridge.mcu.McuOtaPlatform;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.shadows.ShadowDiscovery;
import dev.thingbridge.shadows.store.KeyValueStore;
import dev.thingbridge.transfer.OtaPlatform;
import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the {@link HostedThing}s of a {@link DeviceHost} share, read from the host each time (the shadow backend,
 * the configuration, the local API and the MCUs change while it runs).
 */
final class SharedContext implements HostContext {
  private final DeviceHost host;

  SharedContext(DeviceHost host) {
    this.host = host;
  }

  @Override
  public MqttClient mqtt() {
    return host.mqtt();
  }

  @Override
  public MqttClient shadowMqtt() {
    return host.shadowMqtt();
  }

  @Override
  public MqttRequester shadowRequester() {
    return host.shadowRequester();
  }

  @Override
  public KeyValueStore shadowStore() {
    return host.shadowStore();
  }

  @Override
  public ShadowDiscovery discovery(String thing) {
    return host.settings().discovery.apply(host.config().shadows().backend(), thing);
  }

  @Override
  public ScheduledExecutorService timer() {
    return host.timer();
  }

  @Override
  public DeviceEventSink events() {
    return host.events();
  }

  @Override
  public EventAdapters.ShadowDeltaSink deltas() {
    return (thing, shadow, version, delta) -> {
      LocalApiHost api = host.localApi();
      if (api != null) {
        api.keptDelta(thing, shadow, version, delta);
      }
    };
  }

  @Override
  public JobClaims jobClaims() {
    return host.jobClaims();
  }

  @Override
  public CommandClaims commandClaims() {
    return host.commandClaims();
  }

  @Override
  public Path resolve(String path) {
    Path workDir = host.settings().workDir;
    return workDir == null ? Path.of(path) : workDir.resolve(path);
  }

  @Override
  public Path thingState(String thing) {
    Path root = host.stateRoot();
    return root == null ? null : root.resolve("things").resolve(thing);
  }

  /** An MCU's thing is always flashed through its serial port; other things get the builder's platforms. */
  @Override
  public OtaPlatform otaPlatform(String thing, Path stateDir) {
    if (host.config().mcus().stream().anyMatch(m -> m.thing().equals(thing))) {
      McuFleet fleet = host.mcus();
      McuOtaPlatform platform = fleet == null ? null : fleet.otaPlatform(thing, stateDir);
      return platform; // null when its port could not be opened: logged by the fleet, in the health shadow
    }
    return host.settings().otaPlatform(thing, stateDir, host.config());
  }
}
