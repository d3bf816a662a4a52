package dev.thingbridge.cli;

import dev.thingbridge.shadows.ShadowClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code shadow get}: GetThingShadow. */
@Command(name = "get", mixinStandardHelpOptions = true,
    description = "Print the shadow document (a missing shadow exits with code 1 and the 404).")
final class ShadowGetCommand implements Callable<Integer> {
  @ParentCommand ShadowCommand shadow;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return shadow.printReply(spec, ShadowClient::get, ShadowCommand::render);
  }
}
