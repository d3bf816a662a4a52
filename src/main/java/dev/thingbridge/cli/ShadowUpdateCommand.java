package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.model.ShadowUpdateRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shadow update}: UpdateThingShadow. */
@Command(name = "update",
    description = {"Merge desired and/or reported values into the shadow and print the accepted reply.",
        "null removes a key. With --expected-version the update applies only at that version (else 409, exit "
            + "code 1)."})
final class ShadowUpdateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ShadowTarget target;
  @Mixin ConnectionOptions connection;
  @Mixin OutputOptions output;

  @Option(names = "--desired", paramLabel = "JSON", description = "Desired values: a JSON object, @FILE or @- (stdin).")
  String desired;

  @Option(names = "--reported", paramLabel = "JSON", description = "Reported values: a JSON object, @FILE or @- "
      + "(stdin).")
  String reported;

  @Option(names = "--expected-version", paramLabel = "N", description = "Apply only if the document is at version N.")
  Long expectedVersion;

  @Override
  public Integer call() throws Exception {
    if (desired == null && reported == null) {
      throw new UsageException("give --desired, --reported or both");
    }
    if ("@-".equals(desired) && "@-".equals(reported)) {
      throw new UsageException("only one of --desired and --reported can read standard input");
    }
    var stdin = ThingBridgeCommand.of(spec).stdin();
    ObjectNode d = desired == null ? null : JsonInput.object("--desired", desired, stdin);
    ObjectNode r = reported == null ? null : JsonInput.object("--reported", reported, stdin);
    ShadowUpdateRequest request;
    try {
      request = new ShadowUpdateRequest(d, r, null, expectedVersion);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
    return ShadowCommand.printReply(target, connection, output, c -> c.update(request), ShadowCommand::render);
  }
}
