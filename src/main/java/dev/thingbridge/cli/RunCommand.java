package dev.thingbridge.cli;

import dev.thingbridge.component.ComponentConfig;
import dev.thingbridge.component.ConfigurationException;
import dev.thingbridge.component.DeviceHost;
import dev.thingbridge.component.DirectConnectionSettings;
import dev.thingbridge.component.DirectConnector;
import dev.thingbridge.component.GreengrassLauncher;
import dev.thingbridge.component.ThingBridgeComponent;
import dev.thingbridge.component.localapi.LocalBus;
import dev.thingbridge.greengrass.GreengrassIpc;
import dev.thingbridge.greengrass.GreengrassIpcException;
import dev.thingbridge.greengrass.IpcMqttClient;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.MqttLimits;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.internal.AbstractMqttClient;
import dev.thingbridge.mqtt.local.LocalBroker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code thingbridge run}: the long-running component. Under Greengrass ({@code SVCUID} and the nucleus socket
 * in the environment) it talks to the nucleus over IPC: GetConfiguration, SubscribeToConfigurationUpdate,
 * MQTT through the nucleus, UpdateState RUNNING. Outside Greengrass it reads {@code --config} and the flags and
 * connects directly, or, with no endpoint configured, runs on an in-process broker. SIGTERM stops it cleanly.
 */
@Command(
    name = "run",
    description = {
        "Runs thingbridge as a Greengrass component (inside Greengrass) or standalone (outside).",
        "Stops cleanly on SIGTERM."})
public final class RunCommand implements Callable<Integer> {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
  /** The component's name in its recipe. */
  static final String COMPONENT_NAME = "dev.thingbridge.ThingBridge";
  /** A Greengrass nucleus sends SIGKILL 5 s after SIGTERM (its default timeout); stop well inside that. */
  private static final Duration STOP_BUDGET = Duration.ofMillis(4000);

  /** Created once the log level is set, so that it follows --log-level. */
  private Logger log;

  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON configuration file (outside Greengrass).")
  Path configFile;

  @Option(names = "--thing", paramLabel = "THING", converter = ThingNameConverter.class,
      description = "Thing name; overrides thingName.")
  String thingName;

  @Option(names = "--thing-name", hidden = true, paramLabel = "THING", converter = ThingNameConverter.class,
      description = "Old spelling of --thing.")
  void oldThingName(String value) {
    thingName = value;
  }

  @Option(names = "--endpoint", paramLabel = "URI", converter = TlsEndpointConverter.class,
      description = "AWS IoT data endpoint, mqtts://HOST[:PORT] or HOST[:PORT] (port 8883 unless given); overrides "
          + "connection.endpoint.")
  String endpoint;

  @Option(names = "--cert", paramLabel = "PEM", description = "Device certificate (PEM); overrides connection.certFile.")
  String certFile;

  @Option(names = "--key", paramLabel = "PEM", description = "Private key (PEM); overrides connection.keyFile.")
  String keyFile;

  @Option(names = "--ca", paramLabel = "PEM", description = "Root CA (PEM); overrides connection.caFile.")
  String caFile;

  @Option(names = "--client-id", paramLabel = "ID", converter = ClientIdConverter.class,
      description = "MQTT client id; overrides connection.clientId (default: the thing name).")
  String clientId;

  @Option(names = "--local-api-port", paramLabel = "PORT", converter = PortConverter.class,
      description = "Outside Greengrass: serve the local API to other processes of this machine over an MQTT server "
          + "on 127.0.0.1:PORT (0 picks a free one, written to the log). Off by default.")
  Integer localApiPort;

  private final Map<String, String> environment;
  private final Optional<DirectConnector> direct;

  /** A run command for this process' environment and the direct backend found on the class path. */
  public RunCommand(Map<String, String> environment, Optional<DirectConnector> direct) {
    this.environment = Map.copyOf(environment);
    this.direct = direct;
  }

  @Override
  public Integer call() throws Exception {
    log = LoggerFactory.getLogger(RunCommand.class);
    ProcessExit exit = ThingBridgeCommand.of(spec).exit();
    try (StopSignal stop = exit.stopSignal(STOP_BUDGET)) {
      boolean greengrass = GreengrassIpc.insideGreengrass(environment);
      if (greengrass && localApiPort != null) {
        throw new UsageException("--local-api-port is for run outside Greengrass: under Greengrass, sibling "
            + "components reach the local API over local publish/subscribe");
      }
      ThingBridgeComponent component = greengrass ? startInGreengrass() : startStandalone(exit);
      try {
        stop.await(null);
        log.info("stopping (signal received)");
      } finally {
        component.close();
      }
    }
    return ExitCodes.OK;
  }

  /** Reads {@code --endpoint}: an {@code mqtts://} URI or HOST[:PORT], kept in the URI form. */
  static final class TlsEndpointConverter implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
      MqttEndpoint parsed;
      try {
        parsed = BrokerOptions.EndpointConverter.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
      if (!parsed.tls()) {
        throw new CommandLine.TypeConversionException("run connects with mutual TLS: give mqtts://" + parsed.host()
            + ":" + parsed.port() + " or " + parsed.host() + ":" + parsed.port());
      }
      return parsed.toString();
    }
  }

  private ThingBridgeComponent startInGreengrass() throws Exception {
    GreengrassIpc ipc;
    try {
      ipc = GreengrassIpc.builder().fromEnvironment(environment).connect();
    } catch (GreengrassIpcException e) {
      throw new MqttNotConnectedException(e.getMessage(), e);
    }
    return new GreengrassLauncher(COMPONENT_NAME, version(), START_TIMEOUT)
        .start(ipc, environment, Path.of("").toAbsolutePath());
  }

  private ThingBridgeComponent startStandalone(ProcessExit exit) throws Exception {
    ComponentConfig config = withFlags(configFile != null ? ComponentConfig.fromFile(configFile) : ComponentConfig.DEFAULTS);
    String thing = config.thingName().isEmpty() ? "thingbridge-local" : config.thingName();
    MqttClient mqtt;
    if (config.directConnection().isPresent()) {
      DirectConnector connector = direct.orElseThrow(() -> new UsageException(
          "connection.endpoint is set, but this build has no direct MQTT backend"));
      exit.nativeRuntimeUsed();
      mqtt = connector.connect(directSettings(config, thing));
    } else {
      log.info("no connection.endpoint configured: using the in-process broker (local mode, nothing leaves this process)");
      mqtt = new LocalBroker().connect(thing);
    }
    List<AutoCloseable> owned = new ArrayList<>();
    LocalBus siblings = null;
    try {
      if (localApiPort != null && localApiPort >= 0) {
        siblings = StandaloneLocalApi.start(localApiPort, config, owned);
      }
    } catch (IOException e) {
      mqtt.close();
      closeAll(owned);
      throw new UsageException("--local-api-port " + localApiPort + ": " + e.getMessage());
    }
    DeviceHost host = DeviceHost.builder(mqtt, thing, config)
        .workDir(Path.of("").toAbsolutePath())
        .localBus(siblings)
        .component(COMPONENT_NAME, version())
        .build();
    return ThingBridgeComponent.startStandalone(config, mqtt, host, owned, START_TIMEOUT);
  }

  private static void closeAll(List<AutoCloseable> owned) {
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (Exception e) {
        // closing what was half started
      }
    }
  }

  /** The version in the jar's manifest ("dev" when run from classes). */
  static String version() {
    String v = RunCommand.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
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
    return c.withThingName(thingName != null ? thingName : c.thingName()).withConnection(conn);
  }
}
