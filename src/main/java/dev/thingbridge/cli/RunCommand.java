package dev.thingbridge.cli;

import dev.thingbridge.component.ComponentConfig;
import dev.thingbridge.component.DirectConnectionSettings;
import dev.thingbridge.component.DirectConnector;
import dev.thingbridge.component.ThingBridgeComponent;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttLimits;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.internal.AbstractMqttClient;
import dev.thingbridge.mqtt.ipc.ComponentState;
import dev.thingbridge.mqtt.ipc.GreengrassIpc;
import dev.thingbridge.mqtt.ipc.GreengrassIpcException;
import dev.thingbridge.mqtt.ipc.IpcMqttClient;
import dev.thingbridge.mqtt.local.LocalBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code thingbridge run}: the long-running component. Under Greengrass ({@code SVCUID} and the nucleus socket
 * in the environment) it talks to the nucleus over IPC: GetConfiguration, SubscribeToConfigurationUpdate,
 * MQTT through the nucleus, UpdateState RUNNING. Outside Greengrass it reads {@code --config} and the flags and
 * connects directly, or, with no endpoint configured, runs on an in-process broker. SIGTERM stops it cleanly.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
        "Runs thingbridge as a Greengrass component (inside Greengrass) or standalone (outside).",
        "Stops cleanly on SIGTERM."})
public final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

  @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON configuration file (outside Greengrass).")
  Path configFile;

  @Option(names = "--thing-name", paramLabel = "NAME", description = "Thing name; overrides thingName.")
  String thingName;

  @Option(names = "--endpoint", paramLabel = "HOST[:PORT]", description = "AWS IoT data endpoint; overrides connection.endpoint.")
  String endpoint;

  @Option(names = "--cert", paramLabel = "FILE", description = "Device certificate (PEM); overrides connection.certFile.")
  String certFile;

  @Option(names = "--key", paramLabel = "FILE", description = "Private key (PEM); overrides connection.keyFile.")
  String keyFile;

  @Option(names = "--ca", paramLabel = "FILE", description = "Root CA (PEM); overrides connection.caFile.")
  String caFile;

  @Option(names = "--client-id", paramLabel = "ID", description = "MQTT client id; overrides connection.clientId.")
  String clientId;

  private final Map<String, String> environment;
  private final Optional<DirectConnector> direct;

  /** A run command for this process' environment and the direct backend found on the class path. */
  public RunCommand(Map<String, String> environment, Optional<DirectConnector> direct) {
    this.environment = Map.copyOf(environment);
    this.direct = direct;
  }

  @Override
  public Integer call() throws Exception {
    ThingBridgeComponent component = GreengrassIpc.insideGreengrass(environment) ? startInGreengrass() : startStandalone();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping (signal received)");
      component.close();
      stopped.countDown();
    }, "thingbridge-shutdown"));
    stopped.await();
    return ExitCodes.OK;
  }

  private ThingBridgeComponent startInGreengrass() throws Exception {
    GreengrassIpc ipc;
    try {
      ipc = GreengrassIpc.builder().fromEnvironment(environment).connect();
    } catch (GreengrassIpcException e) {
      throw new MqttNotConnectedException(e.getMessage(), e);
    }
    try {
      Map<String, Object> raw = ipc.lifecycle().configuration(List.of())
          .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      ComponentConfig config;
      try {
        config = ComponentConfig.fromMap(raw);
      } catch (UsageException e) {
        reportErrored(ipc);
        throw e;
      }
      String thing = !config.thingName().isEmpty() ? config.thingName() : environment.get(IpcMqttClient.THING_NAME_ENV);
      if (thing == null || thing.isBlank()) {
        reportErrored(ipc);
        throw new UsageException("configuration: thingName is empty and the nucleus did not set "
            + IpcMqttClient.THING_NAME_ENV);
      }
      IpcMqttClient mqtt = IpcMqttClient.builder(ipc).clientId(thing)
          .limits(new MqttLimits(config.mqtt().maxPayloadBytes(), 256)).build();
      ThingBridgeComponent component = new ThingBridgeComponent(config, mqtt, ipc.lifecycle(), List.of(ipc));
      try {
        component.start(START_TIMEOUT);
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
      log.warn("could not report ERRORED to the nucleus: {}", AbstractMqttClient.unwrap(e).getMessage());
    }
  }

  private ThingBridgeComponent startStandalone() throws Exception {
    ComponentConfig config = withFlags(configFile != null ? ComponentConfig.fromFile(configFile) : ComponentConfig.DEFAULTS);
    String thing = config.thingName().isEmpty() ? "thingbridge-local" : config.thingName();
    MqttClient mqtt;
    if (config.directConnection().isPresent()) {
      DirectConnector connector = direct.orElseThrow(() -> new UsageException(
          "connection.endpoint is set, but this build has no direct MQTT backend"));
      mqtt = connector.connect(directSettings(config, thing));
    } else {
      log.info("no connection.endpoint configured: using the in-process broker (local mode, nothing leaves this process)");
      mqtt = new LocalBroker().connect(thing);
    }
    ThingBridgeComponent component = new ThingBridgeComponent(config, mqtt, null, List.of());
    component.start(START_TIMEOUT);
    return component;
  }

  private static DirectConnectionSettings directSettings(ComponentConfig config, String thing) {
    return DirectConnectionSettings.from(config.connection(), thing, config);
  }

  private ComponentConfig withFlags(ComponentConfig c) {
    ComponentConfig.Connection conn = c.connection();
    if (endpoint != null || certFile != null || keyFile != null || caFile != null || clientId != null) {
      ComponentConfig.Connection base = conn != null ? conn : new ComponentConfig.Connection("", "", "", null, null);
      Map<String, Object> section = new java.util.LinkedHashMap<>();
      section.put("endpoint", endpoint != null ? endpoint : base.endpoint());
      section.put("certFile", certFile != null ? certFile : base.certFile());
      section.put("keyFile", keyFile != null ? keyFile : base.keyFile());
      section.put("caFile", caFile != null ? caFile : base.caFile() == null ? "" : base.caFile());
      section.put("clientId", clientId != null ? clientId : base.clientId() == null ? "" : base.clientId());
      conn = ComponentConfig.fromMap(Map.of("connection", section)).connection();
    }
    return new ComponentConfig(thingName != null ? thingName : c.thingName(), c.mqtt(), c.localApi(), c.stateDir(),
        c.logLevel(), conn);
  }
}
