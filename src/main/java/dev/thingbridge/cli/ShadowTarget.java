package dev.thingbridge.cli;

import dev.thingbridge.shadows.ShadowTopics;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Which shadow a {@code shadow} subcommand works on, and how long it waits for each reply: a picocli mixin. */
final class ShadowTarget {
  @Option(names = "--thing", required = true, paramLabel = "THING", converter = ThingNameConverter.class,
      description = "The thing name (1-128 of a-z, A-Z, 0-9, ':', '_', '-').")
  String thing;

  @Option(names = "--name", paramLabel = "NAME", description = "A named shadow (default: the classic shadow).")
  String name;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5", converter = DurationConverter.class,
      description = "How long to wait for each reply (default: ${DEFAULT-VALUE} s).")
  Duration timeout;

  @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = ShadowTopics.AWS_PREFIX,
      description = "Topic prefix (default: ${DEFAULT-VALUE}).")
  String topicPrefix;

  /** The shadow's topics, or a usage error for a bad shadow name or prefix. */
  ShadowTopics topics() {
    try {
      return ShadowTopics.of(topicPrefix, thing, name);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }
}
