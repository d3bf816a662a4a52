package dev.thingbridge.component;

import dev.thingbridge.component.localapi.IpcLocalBus;
import dev.thingbridge.greengrass.ComponentState;
import dev.thingbridge.greengrass.GreengrassIpc;
import dev.thingbridge.greengrass.IpcMqttClient;
import dev.thingbridge.greengrass.ShadowManagerMqttClient;
import dev.thingbridge.internal.Futures;
import dev.thingbridge.mcu.serial.SerialLinkOpener;
import dev.thingbridge.mqtt.MqttLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the component under a Greengrass nucleus, over a connected {@link GreengrassIpc}: reads the configuration
 * ({@code GetConfiguration}), resolves the gateway's thing ({@code thingName}, else {@code AWS_IOT_THING_NAME}),
 * builds MQTT through the nucleus, the ShadowManager backend, the local API on local pub/sub and the {@link
 * DeviceHost}, then starts it all and reports RUNNING. A configuration that cannot work is reported ERRORED.
 */
public final class GreengrassLauncher {
  private static final Logger log = LoggerFactory.getLogger(GreengrassLauncher.class);

  private final String componentName;
  private final String version;
  private final Duration timeout;
  private SerialLinkOpener serialPorts;

  public GreengrassLauncher(String componentName, String version, Duration timeout) {
    this.componentName = Objects.requireNonNull(componentName, "componentName");
    this.version = Objects.requireNonNull(version, "version");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** How MCU serial ports are opened (default: the real ports; in-memory ports or PTYs in tests and demos). */
  public GreengrassLauncher serialPorts(SerialLinkOpener value) {
    this.serialPorts = value;
    return this;
  }

  /**
   * Starts the component; on failure the IPC connection is closed.
   *
   * @param environment the process' environment ({@code AWS_IOT_THING_NAME})
   * @param workDir the component's work directory ({@code {work:path}}), where its state lives
   * @throws ConfigurationException for a configuration that cannot work (reported ERRORED first)
   */
  public ThingBridgeComponent start(GreengrassIpc ipc, Map<String, String> environment, Path workDir)
      throws Exception {
    try {
      Map<String, Object> raw = ipc.lifecycle().configuration(List.of()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      ComponentConfig config;
      try {
        config = ComponentConfig.fromMap(raw);
      } catch (ConfigurationException e) {
        reportErrored(ipc);
        throw e;
      }
      String thing = !config.thingName().isEmpty() ? config.thingName() : environment.get(IpcMqttClient.THING_NAME_ENV);
      if (thing == null || thing.isBlank()) {
        reportErrored(ipc);
        throw new ConfigurationException("configuration: thingName is empty and the nucleus did not set "
            + IpcMqttClient.THING_NAME_ENV);
      }
      IpcMqttClient mqtt = IpcMqttClient.builder(ipc).clientId(thing)
          .limits(new MqttLimits(config.mqtt().maxPayloadBytes(), 256)).build();
      ShadowManagerMqttClient localShadows = new ShadowManagerMqttClient(ipc, thing);
      DeviceHost host = DeviceHost.builder(mqtt, thing, config)
          .workDir(workDir)
          .localBus(new IpcLocalBus(ipc))
          .shadowBackends(b -> b == ComponentConfig.ShadowBackend.CLOUD ? mqtt : localShadows)
          .discovery((b, t) -> b == ComponentConfig.ShadowBackend.SHADOW_MANAGER ? localShadows::listNamedShadows : null)
          .component(componentName, version)
          .serialPorts(serialPorts)
          .build();
      ThingBridgeComponent component =
          new ThingBridgeComponent(config, mqtt, host, ipc.lifecycle(), List.of(localShadows, ipc));
      try {
        component.start(timeout);
      } catch (ConfigurationException e) {
        reportErrored(ipc);
        component.close();
        throw e;
      } catch (Exception e) {
        component.close();
        throw e;
      }
      return component;
    } catch (Exception e) {
      ipc.close();
      throw e;
    }
  }

  private static void reportErrored(GreengrassIpc ipc) {
    try {
      ipc.lifecycle().updateState(ComponentState.ERRORED).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("could not report ERRORED to the nucleus: {}", Futures.unwrap(e).getMessage());
    }
  }
}
