package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.model.ShadowUpdateRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code shadow update}: UpdateThingShadow. */
@Command(name = "update", mixinStandardHelpOptions = true,
    description = {"Merge desired and/or reported values into the shadow and print the accepted reply.",
        "null removes a key. With --version the update applies only at that version (else 409, exit code 1)."})
final class ShadowUpdateCommand implements Callable<Integer> {
  @ParentCommand ShadowCommand shadow;
  @Spec CommandSpec spec;

  @Option(names = "--desired", paramLabel = "JSON", description = "Desired values, a JSON object.")
  String desired;

  @Option(names = "--reported", paramLabel = "JSON", description = "Reported values, a JSON object.")
  String reported;

  @Option(names = "--version", paramLabel = "V", description = "Apply only if the document is at version V.")
  Long version;

  @Override
  public Integer call() throws Exception {
    if (desired == null && reported == null) {
      throw new UsageException("give --desired, --reported or both");
    }
    ObjectNode d = desired == null ? null : ShadowCommand.jsonOption("--desired", desired);
    ObjectNode r = reported == null ? null : ShadowCommand.jsonOption("--reported", reported);
    ShadowUpdateRequest request;
    try {
      request = new ShadowUpdateRequest(d, r, null, version);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
    return shadow.printReply(spec, c -> c.update(request), ShadowCommand::render);
  }
}
