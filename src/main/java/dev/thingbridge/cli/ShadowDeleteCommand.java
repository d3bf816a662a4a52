package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.ShadowClient;
import dev.thingbridge.shadows.model.ShadowDeleted;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code shadow delete}: DeleteThingShadow. */
@Command(name = "delete",
    description = "Delete the shadow document and print the reply (a missing shadow exits with code 1 and the 404).")
final class ShadowDeleteCommand implements Callable<Integer> {
  @Mixin ShadowTarget target;
  @Mixin ConnectionOptions connection;
  @Mixin OutputOptions output;

  @Override
  public Integer call() throws Exception {
    return ShadowCommand.printReply(target, connection, output, ShadowClient::delete, ShadowDeleteCommand::render);
  }

  private static ObjectNode render(ShadowDeleted deleted) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("version", deleted.version());
    root.put("timestamp", deleted.timestamp());
    if (deleted.clientToken() != null) {
      root.put("clientToken", deleted.clientToken());
    }
    return root;
  }
}
