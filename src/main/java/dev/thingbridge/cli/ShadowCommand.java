package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.shadows.ShadowClient;
import dev.thingbridge.shadows.ShadowTopics;
import dev.thingbridge.shadows.model.ShadowDocument;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import picocli.CommandLine.Command;

/** {@code thingbridge shadow}: AWS IoT Device Shadows from the command line. The work is in the subcommands. */
@Command(name = "shadow",
    description = "Device Shadows: get, update and delete a document, or watch it (and, with --ack, act as the device).",
    subcommands = {ShadowGetCommand.class, ShadowUpdateCommand.class, ShadowDeleteCommand.class,
        ShadowWatchCommand.class})
public final class ShadowCommand {
  private ShadowCommand() {}

  /** Sends one request with a fresh client and prints the reply as JSON. */
  static <T> int printReply(ShadowTarget target, ConnectionOptions connection, OutputOptions output,
      Function<ShadowClient, CompletableFuture<T>> call, Function<T, JsonNode> render) throws Exception {
    ShadowTopics topics = target.topics();
    try (MqttClient mqtt = connection.connect(); MqttRequester requester = new MqttRequester(mqtt)) {
      T reply = JobsCommand.await(call.apply(new ShadowClient(requester, topics, target.timeout)));
      output.reply(render.apply(reply));
      return ExitCodes.OK;
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
