package dev.thingbridge.cli;

import picocli.CommandLine;

/** Entry point of {@code java -jar thingbridge.jar}: everything happens in {@link ThingBridgeCommand}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    CommandLine cl = ThingBridgeCommand.newProcessCommandLine(args);
    ProcessExit exit = ((ThingBridgeCommand) cl.getCommand()).exit();
    exit.installSignalHandlers();
    int code = cl.execute(args);
    exit.release();
    System.exit(exit.exitCode(code));
  }
}
