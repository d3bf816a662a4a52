package dev.thingbridge.cli;

import picocli.CommandLine.Option;

/** {@code --thing THING}, required and checked while the flags are read: a picocli mixin. */
public final class ThingOption {
  @Option(names = "--thing", required = true, paramLabel = "THING", converter = ThingNameConverter.class,
      description = "The thing name (1-128 of a-z, A-Z, 0-9, ':', '_', '-').")
  String thing;

  /** The thing name given. */
  public String name() {
    return thing;
  }
}
