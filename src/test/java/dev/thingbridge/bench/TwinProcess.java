package dev.thingbridge.bench;

import dev.thingbridge.testing.ChildProcess;
import dev.thingbridge.testing.Mosquitto;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged twin in its own process, started the way a user starts it: {@code java -jar thingbridge.jar
 * twin --endpoint mqtt://... --api-port 0 --state-dir DIR --sync MODE}. {@code -Dbench.twinJavaOptions="..."} passes
 * JVM options to it (through {@code JDK_JAVA_OPTIONS}), for a flight recording of the twin under load.
 */
final class TwinProcess implements AutoCloseable {
  static final String JAR = System.getProperty("thingbridge.jar", "target/thingbridge.jar");
  private static final String API_LINE = "twin: AWS-compatible HTTP API on ";
  private static final Duration START = Duration.ofMinutes(3);

  final ChildProcess process;
  final URI api;
  final Path stateDir;

  private TwinProcess(ChildProcess process, URI api, Path stateDir) {
    this.process = process;
    this.api = api;
    this.stateDir = stateDir;
  }

  static TwinProcess start(Mosquitto broker, Path stateDir, String sync) throws InterruptedException {
    if (!Files.isRegularFile(Path.of(JAR))) {
      throw new IllegalStateException(JAR + " is missing: run ./mvnw -B -q package -DskipTests first");
    }
    List<String> args = new ArrayList<>(List.of("twin", "--endpoint", broker.endpoint().toString(), "--api-port", "0",
        "--state-dir", stateDir.toString(), "--sync", sync));
    ProcessBuilder command = ChildProcess.javaJar(JAR, args.toArray(String[]::new));
    String javaOptions = System.getProperty("bench.twinJavaOptions", "");
    if (!javaOptions.isBlank()) {
      // For profiling the twin as the user runs it, e.g. -XX:StartFlightRecording=filename=twin.jfr
      command.environment().put("JDK_JAVA_OPTIONS", javaOptions);
    }
    ChildProcess p = ChildProcess.start(command);
    String line = p.awaitLine(l -> l.startsWith(API_LINE), START);
    p.awaitLine(l -> l.startsWith("ready: "), START);
    return new TwinProcess(p, URI.create(line.substring(API_LINE.length()).trim()), stateDir);
  }

  /** Resident memory of the twin process in MiB (Linux), or -1. */
  double rssMiB() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** Size of {@code file} in the state directory ({@code twin.db}, {@code twin.db-wal}), 0 if absent. */
  long fileBytes(String file) throws IOException {
    Path p = stateDir.resolve(file);
    return Files.exists(p) ? Files.size(p) : 0;
  }

  /** SIGTERM, as a user stops it; SIGKILL if it does not stop in time. */
  @Override
  public void close() {
    try {
      ChildProcess.signal(process.pid(), "TERM");
      process.awaitExit(Duration.ofSeconds(30));
    } catch (IOException | InterruptedException | AssertionError e) {
      System.err.println("twin did not stop cleanly: " + e);
    } finally {
      process.close();
    }
  }
}
