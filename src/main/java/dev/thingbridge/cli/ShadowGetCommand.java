package dev.thingbridge.cli;

import dev.thingbridge.shadows.ShadowClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code shadow get}: GetThingShadow. */
@Command(name = "get", description = "Print the shadow document (a missing shadow exits with code 1 and the 404).")
final class ShadowGetCommand implements Callable<Integer> {
  @Mixin ShadowTarget target;
  @Mixin ConnectionOptions connection;
  @Mixin OutputOptions output;

  @Override
  public Integer call() throws Exception {
    return ShadowCommand.printReply(target, connection, output, ShadowClient::get, ShadowCommand::render);
  }
}
