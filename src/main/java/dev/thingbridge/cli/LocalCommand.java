package dev.thingbridge.cli;

import dev.thingbridge.component.ComponentConfig;
import dev.thingbridge.component.ConfigurationException;
import dev.thingbridge.component.events.DeviceEventSink;
import dev.thingbridge.mqtt.AwsNames;
import dev.thingbridge.mqtt.MqttLimits;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.mqtt.local.LocalMqttClient;
import dev.thingbridge.mqtt.local.server.MqttServer;
import dev.thingbridge.mqtt.local.server.MqttServerOptions;
import dev.thingbridge.twin.server.TwinServer;
import dev.thingbridge.twin.things.ThingsService;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code thingbridge local}: the main job on embedded defaults, with no network and no AWS account. It
 * starts an in-process broker ({@link LocalBroker}, where the local twin of the AWS IoT cloud attaches) and the
 * component on it as {@code run} hosts it ({@link LocalDevice}): every agent of every thing on one connection,
 * so that shadows are kept and acknowledged, jobs run through the configured handlers, commands are answered and
 * OTA updates and MCU flashes happen. An MQTT server on loopback in front of the broker ({@link MqttServer}) lets
 * CLI commands, {@code mosquitto_sub} and the AWS IoT device SDK attach to the same bus. It prints a line per
 * thing, how to drive it, a {@code ready} line naming the MQTT endpoint and then one line per event, and runs until
 * Ctrl-C, SIGTERM or {@code --duration}.
 *
 * <p>Stopping is bounded: a shutdown hook wakes the command, which closes every client and the broker
 * and prints {@code stopped}; the hook waits at most {@link #STOP_BUDGET} for that, well inside the 5 s
 * a Greengrass nucleus allows before SIGKILL.
 */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = {
      "Run thingbridge locally on embedded defaults: the local twin of AWS IoT and the component hosting every",
      "thing on one connection (shadows, jobs, commands, OTA, MCUs), one line per event, and an MQTT server on",
      "loopback in front of the bus. No AWS account. Stops on Ctrl-C, SIGTERM or after --duration."
    })
public final class LocalCommand implements Callable<Integer> {
  /** The recipe's DefaultConfiguration values, which local mode runs on. */
  static final String DEFAULT_THING = "thingbridge-local";

  static final int DEFAULT_MAX_PAYLOAD_BYTES = 131_072;
  static final int DEFAULT_OPERATION_TIMEOUT_SECONDS = 10;
  static final String DEFAULT_TOPIC_PREFIX = "thingbridge";
  static final String DEFAULT_LOG_LEVEL = "info";

  /**
   * How long the shutdown hook lets the command close everything: now that local hosts the component, the twin and
   * the MQTT server, closing on a loaded machine took more than 2.5 s; 4 s still leaves a second of the nucleus's 5.
   */
  static final Duration STOP_BUDGET = Duration.ofMillis(4000);

  /** AWS IoT thing names: 1-128 of letters, digits, colon, underscore and hyphen. */

  private static final int MAX_TOPIC_BYTES = 256;

  @Spec CommandSpec spec;

  @Option(
      names = "--thing",
      paramLabel = "THING",
      split = ",",
      description = "Thing to run (repeat or comma-separate for several). Default: " + DEFAULT_THING + ".")
  List<String> things = new ArrayList<>(List.of(DEFAULT_THING));

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Stop by itself after this long (seconds, or 500ms, 2m, 1h). Default: until Ctrl-C or SIGTERM.")
  Duration duration;

  @Option(
      names = "--max-payload-bytes",
      paramLabel = "BYTES",
      description = "Largest payload a thing may publish (mqtt.maxPayloadBytes). Default: ${DEFAULT-VALUE}.")
  int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;

  @Option(
      names = "--api-port",
      paramLabel = "PORT",
      converter = PortConverter.class,
      description = "Port of the twin's AWS-compatible HTTP API on 127.0.0.1 (0 picks a free one, -1 turns it off)."
          + " Default: ${DEFAULT-VALUE}.")
  int apiPort = 8443;

  @Option(
      names = "--mqtt-port",
      paramLabel = "PORT",
      converter = PortConverter.class,
      description = "Port of the MQTT server (MQTT 3.1.1 and 5) that CLI commands, mosquitto_sub and the AWS IoT"
          + " device SDK attach to (0 picks a free one, -1 turns it off). Default: ${DEFAULT-VALUE}.")
  int mqttPort = MqttServerOptions.DEFAULT_PORT;

  @Option(
      names = "--mqtt-host",
      paramLabel = "ADDRESS",
      description = "Address the MQTT server listens on. Default: ${DEFAULT-VALUE} (this machine only).")
  String mqttHost = "127.0.0.1";

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "The component's configuration (YAML or JSON, as in the recipe's DefaultConfiguration): kept "
          + "shadows, jobs handlers, commands, OTA, MCUs, Defender. Default: the recipe's defaults.")
  Path configFile;

  @Option(
      names = "--handler-dir",
      paramLabel = "DIR",
      description = "Executables named by a job document's operation, run as 'jobs handle' runs them (jobs.handlerDir).")
  Path handlerDir;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "Where the component keeps its state (shadows, job and flash journals, OTA files, the local "
          + "code-signing key). Default: a temporary directory removed at exit.")
  Path stateDir;

  @Option(
      names = "--fake-mcu",
      paramLabel = "N",
      description = "Attach N fake MCUs (MCUboot and mcumgr over SMP) on pseudo-terminals, each with its own thing "
          + "<gateway>-mcu-<i>; an OTA update of that thing flashes it. Needs socat. Default: none.")
  int fakeMcus;

  @Option(
      names = "--demo",
      description = "Run the whole scenario unattended (a sibling's shadow update, a delta, a job, a command, an OTA"
          + " of the gateway, a flash of a fake MCU, a Defender report, provisioning by claim), print a summary and "
          + "exit 0 if every step is OK, else 1.")
  boolean demo;

  @Override
  public Integer call() throws Exception {
    List<String> names = validatedThings();
    checkFlags();
    InetAddress mqttAddress = mqttAddress();
    ApiPorts.requireFree("--mqtt-port", mqttAddress, mqttPort);
    Path work = stateDir != null ? StateDirs.check("--state-dir", stateDir) : null;
    ComponentConfig base = configFile == null ? ComponentConfig.DEFAULTS : readConfig(configFile);
    PrintWriter out = spec.commandLine().getOut();
    try (StopSignal stop = ThingBridgeCommand.of(spec).exit().stopSignal(STOP_BUDGET);
        Session session = new Session(out)) {
      out.println("thingbridge local: in-process broker, no AWS account");
      session.start(base, names, work, mqttAddress);
      if (demo) {
        return demoExit(session.runDemo());
      }
      stop.await(duration);
    }
    return ExitCodes.OK;
  }

  /** {@code local --demo}'s exit code: 0 when every step was OK, 1 when any failed. */
  static int demoExit(boolean everyStepOk) {
    return everyStepOk ? ExitCodes.OK : ExitCodes.FAILURE;
  }

  /** What one run starts (the twin, the device, the fake MCUs, the MQTT server), closed in reverse order. */
  private final class Session implements AutoCloseable {
    private final PrintWriter out;
    private final long started = System.nanoTime();
    private final LocalBroker broker = new LocalBroker();
    private TwinServer cloud;
    private LocalDevice device;
    private LocalFakeMcus mcus;
    private MqttServer mqtt;
    private Path temporary;
    private Path work;
    private ComponentConfig config;

    Session(PrintWriter out) {
      this.out = out;
    }

    /** Starts everything in turn, then prints the things, the hints and the {@code ready} line. */
    void start(ComponentConfig base, List<String> names, Path stateDir, InetAddress mqttAddress) throws Exception {
      work = stateDir != null ? stateDir : (temporary = Files.createTempDirectory("thingbridge-local-"));
      config = localConfig(base, names, work);
      int mcuCount = demo ? Math.max(1, fakeMcus) : fakeMcus;
      if (mcuCount > 0) {
        mcus = LocalFakeMcus.start(mcuCount, work.resolve("mcus"), config.thingName());
        config = withFakeMcus(config, mcus, out);
      }
      if (demo) {
        config = LocalDemo.configure(config, work);
      }
      cloud = startTwin(broker, config.hostedThings(config.thingName()), out);
      device = LocalDevice.start(broker, config, work, new MqttLimits(maxPayloadBytes, MAX_TOPIC_BYTES),
          printer(out), null);
      mqtt = startMqttServer(broker, mqttAddress, out); // after the twin and the device: clients find them answering
      printThings(out, config, temporary != null ? "temporary" : work.toString());
      LocalHints.print(out, config, cloud, work);
      int count = config.hostedThings(config.thingName()).size();
      out.println("ready: " + count + (count == 1 ? " thing" : " things") + " running on one connection; "
          + (mqtt == null ? "" : "MQTT on " + mqtt.endpoint() + "; ")
          + (duration == null ? "Ctrl-C or SIGTERM stops" : "stopping by itself after " + duration));
      out.flush();
    }

    boolean runDemo() throws Exception {
      return LocalCommand.runDemo(cloud, device, mcus, config, work, out);
    }

    @Override
    public void close() throws Exception {
      if (mqtt != null) {
        mqtt.close();
      }
      if (device != null) {
        device.close();
      }
      if (mcus != null) {
        mcus.close();
      }
      if (cloud != null) {
        cloud.close();
        cloud.twin().mqtt().close();
      }
      broker.stop();
      if (temporary != null) {
        LocalHints.deleteTree(temporary);
      }
      out.printf("stopped after %.1f s%n", (System.nanoTime() - started) / 1e9);
      out.flush();
    }
  }


  /** The checks made before anything starts: each bad flag is a usage error. */
  private void checkFlags() {
    if (maxPayloadBytes <= 0) {
      throw new UsageException("--max-payload-bytes must be positive: " + maxPayloadBytes);
    }
    ApiPorts.requireFree("--api-port", InetAddress.getLoopbackAddress(), apiPort);
    if (handlerDir != null && !Files.isDirectory(handlerDir)) {
      throw new UsageException("--handler-dir " + handlerDir + " is not a directory");
    }
    if (fakeMcus < 0 || fakeMcus > 16) {
      throw new UsageException("--fake-mcu must be 0..16: " + fakeMcus);
    }
  }

  private static ComponentConfig withFakeMcus(ComponentConfig config, LocalFakeMcus mcus, PrintWriter out) {
    List<ComponentConfig.Mcu> all = new ArrayList<>(config.mcus());
    all.addAll(mcus.configs());
    mcus.configs().forEach(m -> out.println("fake MCU " + m.id() + " on " + m.port() + " (thing " + m.thing() + ")"));
    return config.withMcus(all);
  }

  private static void printThings(PrintWriter out, ComponentConfig config, String state) {
    for (String thing : config.hostedThings(config.thingName())) {
      out.println("thing " + thing + ": mqtt.maxPayloadBytes=" + config.mqtt().maxPayloadBytes()
          + " mqtt.operationTimeoutSeconds=" + config.mqtt().operationTimeoutSeconds()
          + " localApi.topicPrefix=" + config.localApi().topicPrefix() + " logLevel=" + config.logLevel()
          + " state=" + state);
    }
  }

  private static boolean runDemo(TwinServer cloud, LocalDevice device, LocalFakeMcus mcus, ComponentConfig config,
      Path work, PrintWriter out) throws Exception {
    try (DemoSibling sibling = DemoSibling.connect(device.localBus(), config.localApi().topicPrefix())) {
      return new LocalDemo(cloud, config, sibling, mcus, work, out).run();
    }
  }

  private static ComponentConfig readConfig(Path file) {
    try {
      return ComponentConfig.fromFile(file);
    } catch (ConfigurationException e) {
      throw new UsageException("--config: " + e.getMessage(), e);
    }
  }

  /**
   * The configuration {@code local} runs: the file's (or the recipe's defaults), the first {@code --thing} as the
   * gateway unless the file names one and no {@code --thing} was given, the other things beside it, the flags'
   * values, and OTA on with the local code-signing certificate unless the file names its own.
   */
  private ComponentConfig localConfig(ComponentConfig base, List<String> names, Path work) throws IOException {
    boolean thingsGiven = spec.commandLine().getParseResult().hasMatchedOption("--thing");
    ComponentConfig c = base;
    if (thingsGiven || c.thingName().isEmpty()) {
      List<String> others = new ArrayList<>(names.subList(1, names.size()));
      c.things().stream().filter(t -> !others.contains(t) && !t.equals(names.get(0))).forEach(others::add);
      c = c.withThingName(names.get(0)).withThings(others);
    }
    c = c.withMqtt(new ComponentConfig.Mqtt(maxPayloadBytes, c.mqtt().operationTimeoutSeconds()));
    if (handlerDir != null) {
      ComponentConfig.Jobs j = c.jobs();
      c = c.withJobs(new ComponentConfig.Jobs(true, handlerDir.toAbsolutePath().toString(), j.stepTimeoutSeconds(),
          j.claimWaitSeconds()));
    }
    if (c.ota().signingCertificate().isEmpty()) {
      Path pem = LocalCodeSigning.ensure(work);
      c = c.withOta(new ComponentConfig.Ota(true, pem.toString(), c.ota().installDir()));
    }
    return c;
  }

  /** Each event as one line on standard output. */
  private static DeviceEventSink printer(PrintWriter out) {
    return event -> {
      synchronized (out) {
        out.println("event " + event.toLine());
        out.flush();
      }
    };
  }

  /** The local cloud on the same bus, with the things registered so jobs and commands can target them. */
  private TwinServer startTwin(LocalBroker broker, List<String> names, PrintWriter out) throws Exception {
    TwinServer.Options options = TwinServer.Options.defaults();
    if (apiPort >= 0) {
      options = options.withApi(InetAddress.getLoopbackAddress(), apiPort);
    }
    LocalMqttClient twinClient = broker.connect("thingbridge-twin");
    TwinServer cloud;
    try {
      cloud = TwinCommand.start(twinClient, options);
    } catch (Exception e) {
      twinClient.close();
      throw e;
    }
    ThingsService things = cloud.twin().service(ThingsService.class);
    names.forEach(things::createThing);
    out.println("cloud twin: shadows, jobs, commands, things, fleet provisioning and Device Defender on the in-process broker"
        + cloud.controlPlane().map(api -> "; AWS-compatible API on " + api.endpoint()).orElse(""));
    return cloud;
  }

  /**
   * The MQTT server in front of the bus, unless {@code --mqtt-port -1}. It takes packets as large as the
   * things may publish, plus room for the topic and properties.
   */
  private MqttServer startMqttServer(LocalBroker broker, InetAddress address, PrintWriter out) throws IOException {
    if (mqttPort < 0) {
      return null;
    }
    MqttServerOptions options = MqttServerOptions.builder().host(address).port(mqttPort)
        .maximumPacketSize(maxPayloadBytes + 8 * 1024).build();
    MqttServer server;
    try {
      server = MqttServer.start(broker, options);
    } catch (BindException e) {
      throw new UsageException("--mqtt-port " + mqttPort + " is in use on " + address.getHostAddress()
          + " (another broker?); pick another, or 0 for a free one");
    }
    out.println("mqtt server: " + server.endpoint() + " (MQTT 3.1.1 and 5) for CLI commands, mosquitto_sub and the"
        + " AWS IoT device SDK");
    return server;
  }

  private InetAddress mqttAddress() {
    try {
      return InetAddress.getByName(mqttHost);
    } catch (UnknownHostException e) {
      throw new UsageException("--mqtt-host " + mqttHost + " is not an address of this machine");
    }
  }

  private List<String> validatedThings() {
    LinkedHashSet<String> unique = new LinkedHashSet<>();
    for (String t : things) {
      if (!AwsNames.isThingName(t)) {
        throw new UsageException(ThingNameConverter.notAThingName(t));
      }
      if (!unique.add(t)) {
        throw new UsageException("thing '" + t + "' is given twice");
      }
    }
    return List.copyOf(unique);
  }

}
