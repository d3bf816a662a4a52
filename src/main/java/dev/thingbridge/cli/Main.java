package dev.thingbridge.cli;

import picocli.CommandLine;

/** Entry point of {@code java -jar thingbridge.jar}: everything happens in {@link ThingBridgeCommand}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(ThingBridgeCommand.newCommandLine().execute(args));
  }
}
