package dev.thingbridge.bench;

import dev.thingbridge.testing.Mosquitto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Start-up of one-off commands: the packaged jar as its own process, as a user runs it, timed from the
 * process' start to its exit. The baseline, measured in the same run, is the JVM alone ({@code java
 * -version}). {@code shadow get} is a full round trip to the packaged twin (its state on disk) through
 * Mosquitto on loopback. The variants run interleaved, so that other load on the machine falls on each alike;
 * medians and min-max of {@code -Dbench.rounds} rounds (default 12). {@code -Dbench.before=OTHER.jar} adds the
 * same commands against another build of the jar (the one before a change), and {@code -Dbench.launcher=PATH}
 * the same commands through the {@code thingbridge} launcher script.
 *
 * <pre>
 * ./mvnw -q -B package -DskipTests &amp;&amp; ./mvnw -q -B -o exec:exec -Dexec.executable=java \
 *     -Dexec.classpathScope=test -Dexec.args="-cp %classpath dev.thingbridge.bench.StartupBench"
 * </pre>
 */
public final class StartupBench {
  private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

  private StartupBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.getInteger("bench.rounds", 12);
    Path dir = Files.createTempDirectory("startup-bench");
    try (Mosquitto broker = Mosquitto.plain(dir.resolve("mosquitto"));
        TwinProcess twin = TwinProcess.start(broker, Files.createDirectories(dir.resolve("twin")), "normal")) {
      String endpoint = broker.endpoint().toString();
      Map<String, List<String>> variants = variants(endpoint);
      run(List.of(JAVA, "-jar", TwinProcess.JAR, "shadow", "update", "--thing", "t", "--endpoint", endpoint,
          "--desired", "{\"led\":\"on\"}"));
      for (List<String> command : variants.values()) {
        run(command); // once each, so that no variant pays for a cold page cache
      }
      Map<String, List<Double>> seconds = new LinkedHashMap<>();
      variants.keySet().forEach(name -> seconds.put(name, new ArrayList<>()));
      String loadBefore = load();
      for (int round = 0; round < rounds; round++) {
        for (Map.Entry<String, List<String>> v : variants.entrySet()) {
          seconds.get(v.getKey()).add(run(v.getValue()));
        }
      }
      print(seconds, rounds, loadBefore, load());
    }
  }

  private static Map<String, List<String>> variants(String endpoint) {
    Map<String, List<String>> variants = new LinkedHashMap<>();
    variants.put("`java -version` (the JVM alone; baseline)", List.of(JAVA, "-version"));
    String before = System.getProperty("bench.before");
    if (before != null) {
      addCommands(variants, "before: ", List.of(JAVA, "-jar", before), endpoint);
    }
    addCommands(variants, "", List.of(JAVA, "-jar", TwinProcess.JAR), endpoint);
    String launcher = System.getProperty("bench.launcher");
    if (launcher != null) {
      addCommands(variants, "launcher: ", List.of(launcher), endpoint);
    }
    return variants;
  }

  private static void addCommands(Map<String, List<String>> variants, String label, List<String> thingbridge,
      String endpoint) {
    variants.put(label + "`thingbridge --version`", with(thingbridge, "--version"));
    variants.put(label + "`thingbridge --help`", with(thingbridge, "--help"));
    variants.put(label + "`thingbridge shadow get --thing t`",
        with(thingbridge, "shadow", "get", "--thing", "t", "--endpoint", endpoint));
  }

  private static List<String> with(List<String> command, String... args) {
    List<String> all = new ArrayList<>(command);
    all.addAll(Arrays.asList(args));
    return all;
  }

  /** Runs {@code command} to its end; returns its wall-clock time in seconds. Anything but exit 0 is fatal. */
  private static double run(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    long start = System.nanoTime();
    Process p = builder.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not end within 60 s");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue());
    }
    return seconds;
  }

  private static void print(Map<String, List<Double>> seconds, int rounds, String loadBefore, String loadAfter) {
    double baseline = median(seconds.values().iterator().next());
    System.out.printf(Locale.ROOT, "%d interleaved rounds; load average (1, 5, 15 min) %s before, %s after%n%n",
        rounds, loadBefore, loadAfter);
    System.out.println("| Command | Median | Min-max | vs. `java -version` |");
    System.out.println("| --- | --- | --- | --- |");
    for (Map.Entry<String, List<Double>> e : seconds.entrySet()) {
      List<Double> s = e.getValue().stream().sorted().toList();
      System.out.printf(Locale.ROOT, "| %s | %.2f s | %.2f-%.2f s | %.2f |%n", e.getKey(), median(s), s.get(0),
          s.get(s.size() - 1), median(s) / baseline);
    }
  }

  private static double median(List<Double> values) {
    List<Double> s = values.stream().sorted().toList();
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
