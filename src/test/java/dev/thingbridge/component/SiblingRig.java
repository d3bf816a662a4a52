package dev.thingbridge.component;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.greengrass.GreengrassIpc;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.shadows.ShadowClient;
import dev.thingbridge.shadows.ShadowTopics;
import dev.thingbridge.sibling.ThingBridgeClient;
import dev.thingbridge.testing.nucleus.FakeNucleus;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.TwinScript;
import dev.thingbridge.twin.commands.CommandSpec;
import dev.thingbridge.twin.commands.CommandsService;
import dev.thingbridge.twin.commands.DeviceTarget;
import dev.thingbridge.twin.commands.StartCommandExecutionRequest;
import dev.thingbridge.twin.defender.DefenderService;
import dev.thingbridge.twin.provisioning.CertificateAuthority;
import dev.thingbridge.twin.provisioning.PreProvisioningHook;
import dev.thingbridge.twin.provisioning.ProvisioningService;
import dev.thingbridge.twin.provisioning.ProvisioningSettings;
import dev.thingbridge.twin.jobs.JobRequest;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.shadows.ShadowsService;
import dev.thingbridge.twin.streams.StreamsService;
import dev.thingbridge.twin.things.ThingRegistry;
import dev.thingbridge.twin.things.ThingsService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The component as Greengrass runs it, with sibling components beside it, all on one machine: the local twin of
 * AWS IoT on an in-process bus (the cloud), a {@link FakeNucleus} whose cloud connection is that bus, the
 * thingbridge component connected to the nucleus through the real IPC client (as {@code run} wires it, by {@link
 * GreengrassLauncher}), and siblings that connect with their own tokens and accessControl through the real IPC
 * client too. An operator client on the bus plays the AWS console (shadow updates); the twin's services play the
 * control plane (jobs, commands).
 */
final class SiblingRig implements AutoCloseable {
  static final String GATEWAY = "gw-1";
  static final String SENSOR = "com.example.Sensor";
  static final Duration WAIT = Duration.ofSeconds(10);
  static final ObjectMapper JSON = new ObjectMapper();

  final LocalBroker broker = new LocalBroker();
  final MqttClient twinClient = broker.connect("twin");
  final ThingsService things = new ThingsService(new ThingRegistry());
  final JobsService jobs = new JobsService(things.registry());
  final CommandsService commands = new CommandsService();
  /** The MQTT streams of {@code afr_ota} jobs. */
  final StreamsService streams = new StreamsService();
  final DefenderService defender = new DefenderService();
  final ProvisioningService provisioning = new ProvisioningService(things,
      CertificateAuthority.ephemeral(Clock.systemUTC()), ProvisioningSettings.DEFAULTS.withRsaKeys(false),
      PreProvisioningHook::forTarget);
  /** Faults and scripted replies of the twin (lost replies, silent requests). */
  final TwinScript script = new TwinScript();
  final Twin twin;
  final FakeNucleus nucleus;
  final MqttClient operator = broker.connect("operator");
  final MqttRequester operatorRequests = new MqttRequester(operator);
  ThingBridgeComponent component;
  private final Path workDir;
  private final List<AutoCloseable> owned = new ArrayList<>();

  /** Builds the rig; {@code configure} adjusts the nucleus (configuration, ShadowManager). */
  SiblingRig(Path workDir, Consumer<FakeNucleus.Builder> configure) throws Exception {
    this.workDir = workDir;
    twin = Twin.builder(twinClient).service(things).service(jobs).service(new ShadowsService()).service(commands)
        .service(streams).service(defender).service(provisioning).script(script).build();
    twin.start().get(5, TimeUnit.SECONDS);
    things.createThing(GATEWAY);
    FakeNucleus.Builder b = FakeNucleus.builder().recipe(Path.of("recipe.yaml")).upstream(broker.connect("nucleus"))
        .configuration("thingName", GATEWAY)
        .configuration("jobs", Map.of("claimWaitSeconds", "2"))
        .configuration("localApi", Map.of("claimLeaseSeconds", "6"));
    configure.accept(b);
    nucleus = b.start();
  }

  SiblingRig(Path workDir) throws Exception {
    this(workDir, b -> {});
  }

  /** Starts the component as {@code run} does under Greengrass. */
  ThingBridgeComponent startComponent() throws Exception {
    return startComponent(null);
  }

  /** Starts the component as {@code run} does under Greengrass, its MCUs' ports opened by {@code serialPorts}. */
  ThingBridgeComponent startComponent(dev.thingbridge.mcu.serial.SerialLinkOpener serialPorts) throws Exception {
    GreengrassIpc ipc = GreengrassIpc.builder().socketPath(nucleus.socketPath()).authToken(nucleus.token())
        .operationTimeout(Duration.ofSeconds(5)).reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
        .connect();
    component = new GreengrassLauncher("dev.thingbridge.ThingBridge", "test", Duration.ofSeconds(10))
        .serialPorts(serialPorts).start(ipc, Map.of(), workDir);
    return component;
  }

  /** The accessControl a sibling needs, exactly as the README gives it. */
  static Map<String, Object> siblingPolicy(String component) {
    Map<String, Object> policy = new LinkedHashMap<>();
    policy.put("policyDescription", "thingbridge local API");
    policy.put("operations", List.of("aws.greengrass#PublishToTopic", "aws.greengrass#SubscribeToTopic"));
    policy.put("resources", List.of("thingbridge/" + component + "/*"));
    return Map.of("aws.greengrass.ipc.pubsub", Map.of(component + ":thingbridge:1", policy));
  }

  /** Deploys a sibling with the README's policy and connects its client. */
  ThingBridgeClient sibling(String name) {
    return sibling(name, siblingPolicy(name));
  }

  /** Deploys a sibling with this accessControl and connects its client. */
  ThingBridgeClient sibling(String name, Object accessControl) {
    String token = nucleus.addComponent(name, accessControl);
    ThingBridgeClient client = ThingBridgeClient.builder(name).socketPath(nucleus.socketPath()).authToken(token)
        .requestTimeout(WAIT).build();
    owned.add(client);
    return client;
  }

  /** The token of a deployed component, for a hand-made IPC client. */
  String deploy(String name, Object accessControl) {
    return nucleus.addComponent(name, accessControl);
  }

  /** A shadow client of the operator (the AWS console, in the cloud). */
  ShadowClient cloudShadow(String thing, String shadow) {
    return new ShadowClient(operatorRequests, shadow == null ? ShadowTopics.classic(thing)
        : ShadowTopics.named(thing, shadow), Duration.ofSeconds(5));
  }

  /** Creates a job on the gateway with this document. */
  void createJob(String jobId, String document) {
    createJob(GATEWAY, jobId, document);
  }

  /** Creates a job on {@code thing} with this document. */
  void createJob(String thing, String jobId, String document) {
    jobs.createJob(JobRequest.builder(jobId).document(document).target(things.registry().thingArn(thing)).build());
  }

  dev.thingbridge.twin.jobs.JobExecutionDescription execution(String jobId) {
    return execution(GATEWAY, jobId);
  }

  dev.thingbridge.twin.jobs.JobExecutionDescription execution(String thing, String jobId) {
    return jobs.describeJobExecution(thing, jobId, null);
  }

  /** Creates a command with a JSON payload and starts one execution of it on the gateway. */
  String startCommand(String commandId, String payload, long timeoutSeconds) {
    var command = commands.createCommand(CommandSpec.builder(commandId)
        .payload(payload.getBytes(StandardCharsets.UTF_8), "application/json").build());
    return commands.startCommandExecution(StartCommandExecutionRequest.of(
        commands.settings().targetArn(DeviceTarget.thing(GATEWAY)), command.commandArn()).withTimeout(timeoutSeconds));
  }

  dev.thingbridge.twin.commands.CommandExecution commandExecution(String executionId) {
    return commands.commandExecution(executionId, commands.settings().targetArn(DeviceTarget.thing(GATEWAY)));
  }

  static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  @Override
  public void close() throws Exception {
    for (int i = owned.size() - 1; i >= 0; i--) {
      owned.get(i).close();
    }
    if (component != null) {
      component.close();
    }
    operatorRequests.close();
    operator.close();
    nucleus.close();
    twin.close();
    provisioning.close();
    twinClient.close();
  }
}
