package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.shadows.ShadowClient;
import dev.thingbridge.shadows.ShadowCodec;
import dev.thingbridge.shadows.ShadowTopics;
import dev.thingbridge.shadows.model.ShadowDocument;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code thingbridge shadow}: AWS IoT Device Shadows from the command line. Prints usage; the work is in the
 * subcommands.
 */
@Command(name = "shadow", mixinStandardHelpOptions = true,
    description = "Device Shadows: get, update and delete a document, or watch it (and, with --ack, act as the device).",
    subcommands = {ShadowGetCommand.class, ShadowUpdateCommand.class, ShadowDeleteCommand.class,
        ShadowWatchCommand.class})
public final class ShadowCommand implements Runnable {
  private static final ObjectMapper PRETTY = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(names = "--thing", required = true, scope = CommandLine.ScopeType.INHERIT,
      description = "The thing name (1-128 characters of [a-zA-Z0-9:_-]).")
  String thing;

  @Option(names = "--name", scope = CommandLine.ScopeType.INHERIT,
      description = "A named shadow (default: the classic shadow).")
  String name;

  @Option(names = "--timeout", defaultValue = "5s", scope = CommandLine.ScopeType.INHERIT,
      converter = DurationConverter.class, description = "How long to wait for each reply (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--topic-prefix", defaultValue = ShadowTopics.AWS_PREFIX, scope = CommandLine.ScopeType.INHERIT,
      description = "Topic prefix (default: ${DEFAULT-VALUE}).")
  String topicPrefix;

  @CommandLine.Mixin ConnectionOptions connection;

  private final MqttConnector connector;

  /** The packaged CLI's form: connects with the connection flags ({@code --endpoint} etc.). */
  public ShadowCommand() {
    this.connector = null;
  }

  /** Connects through {@code connector} instead of the connection flags (tests use the in-process bus). */
  public ShadowCommand(MqttConnector connector) {
    this.connector = Objects.requireNonNull(connector, "connector");
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The shadow's topics, or a usage error for a bad thing name, shadow name or prefix. */
  ShadowTopics topics() {
    try {
      return ShadowTopics.of(topicPrefix, thing, name);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  /**
   * Connects. As the device ({@code watch --ack}) the client id defaults to the thing name; as an application it
   * defaults to a random one, so a one-off command does not take the device's connection over.
   */
  MqttClient connect(boolean asDevice) throws InterruptedException {
    String id = asDevice ? thing : connection.clientId();
    return connector != null ? connector.connect(id)
        : (asDevice ? connection.defaultClientId(thing) : connection).connect();
  }

  /** Sends one request with a fresh client and prints the reply as JSON. */
  <T> int printReply(CommandSpec leaf, Function<ShadowClient, CompletableFuture<T>> call,
      Function<T, JsonNode> render) throws Exception {
    ShadowTopics topics = topics();
    try (MqttClient mqtt = connect(false); MqttRequester requester = new MqttRequester(mqtt)) {
      T reply = JobsCommand.await(call.apply(new ShadowClient(requester, topics, timeout)));
      PrintWriter out = leaf.commandLine().getOut();
      out.println(PRETTY.writerWithDefaultPrettyPrinter().writeValueAsString(render.apply(reply)));
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** Parses a JSON object given on the command line. */
  static ObjectNode jsonOption(String flag, String value) {
    try {
      return ShadowCodec.parseObject(value, flag);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  /** A shadow document reply as AWS lays it out. */
  static ObjectNode render(ShadowDocument doc) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode state = root.putObject("state");
    putIf(state, "desired", doc.desired());
    putIf(state, "reported", doc.reported());
    putIf(state, "delta", doc.delta());
    putIf(root, "metadata", doc.metadata());
    root.put("version", doc.version());
    root.put("timestamp", doc.timestamp());
    if (doc.clientToken() != null) {
      root.put("clientToken", doc.clientToken());
    }
    return root;
  }

  static void putIf(ObjectNode parent, String name, JsonNode value) {
    if (value != null) {
      parent.set(name, value);
    }
  }
}
