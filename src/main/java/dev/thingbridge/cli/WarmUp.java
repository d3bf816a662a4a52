package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.crt.CrtRuntime;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Start-up work a one-off command will need anyway, begun on background threads while picocli reads the
 * arguments: Jackson's first mapper (its classes, type factory and date format take about a quarter of a
 * second) and, for a command that connects, aws-crt's native library. The command then finds both ready
 * instead of paying for them one after the other. Nothing is started for help or the version. A failure here
 * is ignored: the command meets the same failure itself, and reports it.
 *
 * <p>aws-crt's load is started before picocli has parsed the arguments (starting it after the parse was measured
 * to leave about 120 ms of it on a connecting command's path), so it may still be extracting its library when a
 * command line that fails to parse is about to exit. The JVM's exit would then delete the file under it and
 * aws-crt would print "Unable to initialize AWS CRT" on standard error after the usage error: the process waits
 * for it ({@link ProcessExit#release}), which costs a usage error at most the rest of the extraction.
 */
final class WarmUp {
  private static final Set<String> HELP_OR_VERSION = Set.of("-h", "--help", "-V", "--version");

  private WarmUp() {}

  /**
   * Starts what {@code args}, which run one command of {@code selection}, will need.
   *
   * @return the thread loading aws-crt, which the process must not exit under; empty if none was started
   */
  static Optional<Thread> begin(String[] args, CommandTree.Selection selection) {
    if (selection.command() == null || List.of(args).stream().anyMatch(HELP_OR_VERSION::contains)) {
      return Optional.empty();
    }
    start("thingbridge-warm-up-json", WarmUp::json);
    if (selection.connects()) {
      return Optional.of(start("thingbridge-warm-up-crt", CrtRuntime::load));
    }
    return Optional.empty();
  }

  /** Loads and initialises the Jackson classes every JSON reply goes through: parser, tree, serializer. */
  private static void json() {
    try {
      ObjectMapper mapper = new ObjectMapper();
      JsonNode tree = mapper.readTree("{\"state\":{\"desired\":{\"on\":true,\"level\":1.5,\"tags\":[\"a\"]}}}");
      mapper.writeValueAsBytes(tree);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Thread start(String name, Runnable work) {
    Thread thread = new Thread(() -> {
      try {
        work.run();
      } catch (RuntimeException | LinkageError e) {
        // the command meets the same failure on its own path and reports it there
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
