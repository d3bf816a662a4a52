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
 * medians and min-max of {@code -Dbench.rounds} rounds (default 12), and the median CPU time (user and system,
 * from GNU time), which depends less on the machine's other load than the wall-clock time does. {@code -Dbench.before=OTHER.jar} adds the
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
  private static final Path TIME = Path.of("/usr/bin/time");

  /** The launcher's class-data archive goes here ({@code XDG_CACHE_HOME} of every command run). */
  private static Path cache;

  private StartupBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.getInteger("bench.rounds", 12);
    Path dir = Files.createTempDirectory("startup-bench");
    cache = dir.resolve("cache");
    try (Mosquitto broker = Mosquitto.plain(dir.resolve("mosquitto"));
        TwinProcess twin = TwinProcess.start(broker, Files.createDirectories(dir.resolve("twin")), "normal")) {
      String endpoint = broker.endpoint().toString();
      Map<String, List<String>> variants = variants(endpoint);
      run(List.of(JAVA, "-jar", TwinProcess.JAR, "shadow", "update", "--thing", "t", "--endpoint", endpoint,
          "--desired", "{\"led\":\"on\"}"));
      for (List<String> command : variants.values()) {
        run(command); // once each, so that no variant pays for a cold page cache
      }
      if (System.getProperty("bench.launcher") != null) {
        awaitArchive(); // the launcher's first run makes it in the background
      }
      Map<String, List<Double>> seconds = new LinkedHashMap<>();
      Map<String, List<Double>> cpu = new LinkedHashMap<>();
      variants.keySet().forEach(name -> seconds.put(name, new ArrayList<>()));
      variants.keySet().forEach(name -> cpu.put(name, new ArrayList<>()));
      String loadBefore = load();
      for (int round = 0; round < rounds; round++) {
        for (Map.Entry<String, List<String>> v : variants.entrySet()) {
          double[] wallAndCpu = run(v.getValue());
          seconds.get(v.getKey()).add(wallAndCpu[0]);
          cpu.get(v.getKey()).add(wallAndCpu[1]);
        }
      }
      print(seconds, cpu, rounds, loadBefore, load());
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

  /**
   * Runs {@code command} to its end; returns its wall-clock time and the CPU time (user and system) it and its
   * children used, in seconds (the CPU time from GNU time when installed, else NaN). Anything but exit 0 is fatal.
   */
  private static double[] run(List<String> command) throws IOException, InterruptedException {
    Path cpuFile = Files.createTempFile("startup-cpu", ".txt");
    List<String> timed = new ArrayList<>();
    if (Files.isExecutable(TIME)) {
      timed.addAll(List.of(TIME.toString(), "-f", "%U %S", "-o", cpuFile.toString()));
    }
    timed.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(timed).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("XDG_CACHE_HOME", cache.toString());
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
    String[] userAndSystem = Files.readString(cpuFile).trim().split("\\s+");
    Files.delete(cpuFile);
    double cpu = userAndSystem.length == 2
        ? Double.parseDouble(userAndSystem[0]) + Double.parseDouble(userAndSystem[1]) : Double.NaN;
    return new double[] {seconds, cpu};
  }

  private static void awaitArchive() throws IOException, InterruptedException {
    Path dir = cache.resolve("thingbridge");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      try (var files = Files.list(dir)) {
        List<String> names = files.map(f -> f.getFileName().toString()).toList();
        if (names.stream().anyMatch(n -> n.endsWith(".jsa")) && names.stream().noneMatch(n -> n.endsWith(".lock"))) {
          return;
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the launcher made no class-data archive in " + dir + " within 3 minutes");
  }

  private static void print(Map<String, List<Double>> seconds, Map<String, List<Double>> cpu, int rounds,
      String loadBefore, String loadAfter) {
    double baseline = median(seconds.values().iterator().next());
    System.out.printf(Locale.ROOT, "%d interleaved rounds; load average (1, 5, 15 min) %s before, %s after%n%n",
        rounds, loadBefore, loadAfter);
    System.out.println("| Command | Median | Min-max | vs. `java -version` | CPU time (median) |");
    System.out.println("| --- | --- | --- | --- | --- |");
    for (Map.Entry<String, List<Double>> e : seconds.entrySet()) {
      List<Double> s = e.getValue().stream().sorted().toList();
      System.out.printf(Locale.ROOT, "| %s | %.2f s | %.2f-%.2f s | %.2f | %.2f s |%n", e.getKey(), median(s),
          s.get(0), s.get(s.size() - 1), median(s) / baseline, median(cpu.get(e.getKey())));
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
