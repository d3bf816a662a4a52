package dev.thingbridge.bench;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.ChildProcess;
import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.shadows.ShadowsService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * The twin as a user runs it, against a bare echo responder in the same run. Every process is its own: the
 * packaged twin ({@link TwinProcess}: {@code java -jar target/thingbridge.jar twin --broker ... --state-dir
 * DIR --sync MODE}, state on disk), the echo responder ({@link EchoResponder}, bare aws-crt), Mosquitto (with
 * {@code set_tcp_nodelay true}) and this JVM, which drives bare aws-crt clients and the HTTP API. The echo
 * responder runs beside the twin on its own topics, so each measured round of the twin is interleaved with one
 * of the echo; the best of {@code bench.rounds} rounds of each is reported, with p50/p99 of that round.
 *
 * <p>Sections ({@code -Dbench.only=shadows,scale,jobs,http,soak}; the default is all but the soak):
 *
 * <ul>
 *   <li>{@code shadows}: shadow update round trips, 1 and 16 closed-loop clients each on its own thing, with
 *       {@code --sync normal} and {@code --sync full} ({@code -Dbench.sync=normal} for one); ratio to the echo
 *       responder.
 *   <li>{@code scale}: the same (normal) with 100,000 shadows stored ({@code -Dbench.shadows}) against a state
 *       with only the clients' own shadows: two twins at once, each on its own broker, in interleaved rounds.
 *   <li>{@code jobs}: start-next + update(SUCCEEDED) cycles of one device with 10 and with 1,000 executions
 *       queued (refilled over HTTP between batches of 100 cycles, untimed, so the queue runs from depth + 100
 *       down to depth). The bound is the echo responder's rate for the same cycles with the same client (two
 *       round trips each, so half its single-client round-trip rate on these requests), in batches alternating
 *       with the twin's ({@link PairedJobCycles}); half its shadow round-trip rate is printed beside it.
 *   <li>{@code http}: CreateJob over HTTP, 1, 4 and 16 callers at once.
 *   <li>{@code soak}: StartCommandExecution over HTTP at a steady rate ({@code -Dbench.soakRate}, 50/s) with a
 *       device answering SUCCEEDED, for {@code -Dbench.soak} (10m); database size, stored executions and the
 *       twin's resident memory every minute.
 * </ul>
 *
 * <p>Run (after {@code ./mvnw -B -q package -DskipTests}, so that {@code target/thingbridge.jar} exists):
 *
 * <pre>
 * ./mvnw -q -B test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath dev.thingbridge.bench.TwinStateBench"
 * </pre>
 *
 * (add {@code -Dbench.only=soak} inside {@code exec.args}, before {@code -cp}, for the soak).
 */
public final class TwinStateBench {
  private static final Duration WARM_UP = Duration.ofSeconds(2);
  private static final Duration MEASURE = Duration.ofSeconds(Long.getLong("bench.seconds", 8));
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
  private static final int BIG = Integer.getInteger("bench.shadows", 100_000);
  private static final String ACCOUNT_ARN = "arn:aws:iot:us-east-1:123456789012:";
  private static final int JOB_BATCH = 100;
  /** Cycles per side in one measured jobs round. */
  private static final int JOB_ROUND = 2000;
  /** The pause before each pair of jobs batches, after the refill (see {@link PairedJobCycles}). */
  private static final Duration JOB_SETTLE = Duration.ofMillis(20);
  /**
   * How long each new twin process serves 16 clients before {@link #warmUp} waits for its compiler to settle: a
   * twin runs for days, and without this the first rows measure its JIT compiler (C2 took a quarter of the
   * twin's CPU time in the first seconds on this machine), not its steady state.
   */
  private static final Duration TWIN_WARM_UP = Duration.ofSeconds(Long.getLong("bench.twinWarmUp", 15));
  /** The longest warm-up of a twin whose compiler does not settle. */
  private static final Duration TWIN_WARM_UP_MAX = Duration.ofSeconds(Long.getLong("bench.twinWarmUpMax", 120));
  /** Compiler CPU per 6 s warm-up round below which the twin counts as compiled. */
  private static final Duration COMPILER_QUIET = Duration.ofMillis(100);

  private final Mosquitto broker;
  private final MqttEndpoint endpoint;
  private final Path dir;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final AtomicInteger jobIds = new AtomicInteger();
  /** Executions queued per thing by this run (each cycle takes one). */
  private final java.util.Map<String, Integer> queued = new java.util.HashMap<>();
  /** Host steal between printed rows. */
  private static final HostSteal STEAL = new HostSteal();
  /** The echo responder's process id, for its CPU time per round trip. */
  private static long echoPid = -1;

  private TwinStateBench(Mosquitto broker, Path dir) {
    this.broker = broker;
    this.endpoint = broker.endpoint();
    this.dir = dir;
  }

  public static void main(String[] args) throws Exception {
    Set<String> only = new HashSet<>(Arrays.asList(System.getProperty("bench.only", "shadows,scale,jobs,http").split(",")));
    Path dir = Files.createTempDirectory("twin-state-bench");
    System.out.printf(Locale.ROOT, "twin state benchmark: %d cores, load average %s, state in %s (file system %s on %s)%n",
        Runtime.getRuntime().availableProcessors(), loadAverage(), dir, Files.getFileStore(dir).type(),
        Files.getFileStore(dir).name());
    try (Mosquitto broker = Mosquitto.plain(dir.resolve("broker")); ChildProcess echo = startEcho(broker)) {
      TwinStateBench bench = new TwinStateBench(broker, dir);
      if (only.contains("shadows")) {
        bench.shadows();
      }
      if (only.contains("scale")) {
        bench.scale();
      }
      if (only.contains("jobs")) {
        bench.jobs();
      }
      if (only.contains("http")) {
        bench.http();
      }
      if (only.contains("soak")) {
        bench.soak();
      }
    }
    System.out.printf(Locale.ROOT, "load average at the end: %s%n", loadAverage());
    System.exit(0); // the CRT's static event loop keeps native threads alive
  }

  // ---- shadows -------------------------------------------------------------------------------------

  private void shadows() throws Exception {
    header("Shadow update round trips, closed loop, one thing per client (best of " + ROUNDS + " rounds of "
        + MEASURE.toSeconds() + " s)");
    System.out.printf(Locale.ROOT, "%-34s %22s %22s %7s %16s%n", "case", "echo /s (p50/p99 us)", "twin /s (p50/p99 us)",
        "ratio", "CPU us/trip e/t");
    for (String sync : System.getProperty("bench.sync", "normal,full").split(",")) {
      try (TwinProcess twin = TwinProcess.start(broker, dir.resolve("shadows-" + sync), sync)) {
        warmUp(twin);
        for (int clients : List.of(1, 16)) {
          Pair p = compare(clients, "bench-", twin);
          row(String.format(Locale.ROOT, "%d client%s, --sync %s", clients, clients == 1 ? "" : "s", sync), p);
        }
      }
    }
  }

  /**
   * The small and the big state in two twins at once, each on its own Mosquitto (a twin answers every thing on
   * its broker), measured in interleaved rounds (echo, small, big) so that both see the same moments of a
   * shared machine.
   */
  private void scale() throws Exception {
    Path big = dir.resolve("scale-big");
    long t0 = System.nanoTime();
    seedShadows(big, BIG);
    header(String.format(Locale.ROOT, "Shadow updates with %,d shadows stored vs the clients' own only (seeded in %.0f s)",
        BIG, (System.nanoTime() - t0) / 1e9));
    try (Mosquitto broker2 = Mosquitto.plain(dir.resolve("broker2"));
        TwinProcess small = TwinProcess.start(broker, dir.resolve("scale-small"), "normal")) {
      long started = System.nanoTime();
      try (TwinProcess large = TwinProcess.start(broker2, big, "normal")) {
        System.out.printf(Locale.ROOT, "(the twin loaded %,d shadows in %.1f s, resident memory %.0f MiB)%n", BIG,
            (System.nanoTime() - started) / 1e9, large.rssMiB());
        warmUp(small, endpoint);
        warmUp(large, broker2.endpoint());
        System.out.printf(Locale.ROOT, "%-28s %22s %22s %22s %7s %7s %9s%n", "case", "echo /s (p50/p99 us)",
            "small /s (p50/p99 us)", "100k /s (p50/p99 us)", "small", "100k", "vs small");
        for (int clients : List.of(1, 16)) {
          List<String> things = IntStream.range(0, clients).mapToObj(i -> "bench-" + i).toList();
          ClosedLoop.Result echo = null;
          ClosedLoop.Result smallBest = null;
          ClosedLoop.Result largeBest = null;
          try (ClosedLoop e = new ClosedLoop(endpoint, EchoResponder.PREFIX, things, "c-echo");
              ClosedLoop s = new ClosedLoop(endpoint, "$aws/things/", things, "c-small");
              ClosedLoop l = new ClosedLoop(broker2.endpoint(), "$aws/things/", things, "c-large")) {
            for (int r = 0; r < ROUNDS; r++) {
              echo = better(echo, e.run(WARM_UP, MEASURE, echoPid));
              smallBest = better(smallBest, s.run(WARM_UP, MEASURE, small.process.pid()));
              largeBest = better(largeBest, l.run(WARM_UP, MEASURE, large.process.pid()));
            }
          }
          double smallRatio = smallBest.perSecond() / echo.perSecond();
          double largeRatio = largeBest.perSecond() / echo.perSecond();
          System.out.printf(Locale.ROOT, "%-28s %22s %22s %22s %7.2f %7.2f %9.2f%n",
              clients + (clients == 1 ? " client" : " clients"), cell(echo), cell(smallBest), cell(largeBest),
              smallRatio, largeRatio, largeRatio / smallRatio);
          System.out.printf(Locale.ROOT, "%-28s CPU us per update: echo %.0f, small %.0f, 100k %.0f; steal %.0f %%%n", "",
              echo.cpuMicros(), smallBest.cpuMicros(), largeBest.cpuMicros(), STEAL.percentSinceLast());
        }
      }
    }
  }

  /** Stores {@code count} shadows through the shadow service of a twin in this JVM, on the in-process bus. */
  private static void seedShadows(Path stateDir, int count) throws Exception {
    LocalBroker bus = new LocalBroker();
    try (MqttClient client = bus.connect("seed");
        Twin twin = Twin.builder(client).stateDir(stateDir).service(new ShadowsService()).build()) {
      twin.start().get(30, TimeUnit.SECONDS);
      ShadowsService shadows = twin.service(ShadowsService.class);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> parts = new ArrayList<>();
        for (int part = 0; part < 4; part++) {
          int from = part;
          parts.add(pool.submit(() -> {
            for (int i = from; i < count; i += 4) {
              shadows.update("bench-" + i, null, ("{\"state\":{\"reported\":{\"temp\":" + (i % 50) + ",\"seq\":" + i
                  + "},\"desired\":{\"mode\":\"eco\"}}}").getBytes(StandardCharsets.UTF_8));
            }
            return null;
          }));
        }
        for (Future<?> f : parts) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
    }
  }

  /**
   * Serves the twin with 16 clients for {@link #TWIN_WARM_UP}, then alternates 1 and 16 clients (the two
   * paths a request takes: handled on arrival, or on the lanes) until the twin's JIT compiler threads have
   * been quiet for a round (under {@link #COMPILER_QUIET} of CPU in 6 s) or {@link #TWIN_WARM_UP_MAX} has
   * passed; unmeasured. On a loaded machine the compiler gets little CPU, and a fixed warm-up left C2 at
   * 46 % of the twin's CPU time during the first measured rows.
   */
  private void warmUp(TwinProcess twin) throws Exception {
    warmUp(twin, endpoint);
  }

  /** {@link #warmUp(TwinProcess)} for a twin on the broker at {@code at}. */
  private void warmUp(TwinProcess twin, MqttEndpoint at) throws Exception {
    long pid = twin.process.pid();
    long started = System.nanoTime();
    List<String> sixteen = IntStream.range(0, 16).mapToObj(i -> "bench-warm-" + i).toList();
    try (ClosedLoop t = new ClosedLoop(at, "$aws/things/", sixteen, "c-warm-twin");
        ClosedLoop one = new ClosedLoop(at, "$aws/things/", List.of("bench-warm-one"), "c-warm-one")) {
      t.run(TWIN_WARM_UP, Duration.ofSeconds(1));
      double before = compilerSeconds(pid);
      while (System.nanoTime() - started < TWIN_WARM_UP_MAX.toNanos()) {
        warmRound(one);
        warmRound(t);
        double now = compilerSeconds(pid);
        boolean quiet = now - before < COMPILER_QUIET.toMillis() / 1e3;
        before = now;
        if (quiet) {
          break;
        }
      }
    }
    try (ClosedLoop e = new ClosedLoop(endpoint, EchoResponder.PREFIX, sixteen, "c-warm-echo")) {
      e.run(Duration.ofSeconds(2), Duration.ofSeconds(1));
    }
    System.out.printf(Locale.ROOT, "(twin warmed up for %.0f s; its JIT compiler threads used %.1f s of CPU so far)%n",
        (System.nanoTime() - started) / 1e9, compilerSeconds(pid));
  }

  /** One unmeasured round of 3 s; a round in which a loaded machine completed nothing is not an error here. */
  private static void warmRound(ClosedLoop loop) throws InterruptedException {
    try {
      loop.run(Duration.ofSeconds(1), Duration.ofSeconds(2));
    } catch (IllegalStateException nothingCompleted) {
      System.out.println("(a warm-up round completed no round trip: " + nothingCompleted.getMessage() + ")");
    }
  }

  /** CPU seconds the JIT compiler threads of a process used so far ({@code /proc/PID/task/TID/stat}). */
  private static double compilerSeconds(long pid) {
    double total = 0;
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          if (Files.readString(task.resolve("comm")).startsWith("C2 CompilerThre")
              || Files.readString(task.resolve("comm")).startsWith("C1 CompilerThre")) {
            total += ClosedLoop.cpuSecondsOf(task.resolve("stat"));
          }
        } catch (java.io.IOException ended) {
          // the thread ended meanwhile
        }
      }
    } catch (java.io.IOException e) {
      return Double.NaN;
    }
    return total;
  }

  /** Interleaved rounds of the echo responder and the twin with the same clients; the best of each. */
  private Pair compare(int clients, String thingPrefix, TwinProcess twinProcess) throws Exception {
    List<String> things = IntStream.range(0, clients).mapToObj(i -> thingPrefix + i).toList();
    ClosedLoop.Result echo = null;
    ClosedLoop.Result twin = null;
    try (ClosedLoop e = new ClosedLoop(endpoint, EchoResponder.PREFIX, things, "c-echo");
        ClosedLoop t = new ClosedLoop(endpoint, "$aws/things/", things, "c-twin")) {
      for (int r = 0; r < ROUNDS; r++) {
        echo = better(echo, e.run(WARM_UP, MEASURE, echoPid));
        twin = better(twin, t.run(WARM_UP, MEASURE, twinProcess.process.pid()));
      }
    }
    if (twin.rejected() > 0) {
      System.out.println("  (the twin rejected " + twin.rejected() + " updates)");
    }
    return new Pair(echo, twin);
  }

  private record Pair(ClosedLoop.Result echo, ClosedLoop.Result twin) {}

  private static ClosedLoop.Result better(ClosedLoop.Result a, ClosedLoop.Result b) {
    return a == null || b.perSecond() > a.perSecond() ? b : a;
  }

  // ---- jobs ----------------------------------------------------------------------------------------

  private void jobs() throws Exception {
    header("Jobs cycles of one device: start-next + update(SUCCEEDED), two round trips each");
    try (TwinProcess twin = TwinProcess.start(broker, dir.resolve("jobs"), "normal")) {
      warmUp(twin);
      double shadowBound = echoOnly(1) / 2;
      System.out.printf(Locale.ROOT, "echo responder: %,.0f shadow round trips/s with one client, half of it %,.0f/s%n",
          shadowBound * 2, shadowBound);
      // "vs 10": the ratio to the echo against the 10-queued one, so that a slower period of the machine during
      // one depth does not pass for the twin's cost of a deeper queue.
      System.out.printf(Locale.ROOT, "%-26s %10s %10s %8s %12s %10s %9s%n", "case", "twin", "echo", "ratio",
          "vs shadow/2", "CPU/cycle", "vs 10");
      double shallow = 0;
      try (JobCycles echo = new JobCycles(endpoint, EchoResponder.PREFIX, "bench-jobs")) {
        echo.run(500);
        for (int depth : List.of(10, 1000)) {
          String thing = "bench-jobs-" + depth;
          post(twin.api, "/things/" + thing, "{}", "POST");
          try (JobCycles device = new JobCycles(endpoint, "$aws/things/", thing)) {
            warmUpJobs(twin, device, thing, depth);
            PairedJobCycles paired = new PairedJobCycles(device, twin.process.pid(), echo, JOB_BATCH, JOB_SETTLE);
            double twinSeconds = 0;
            double echoSeconds = 0;
            double cpu = 0;
            STEAL.percentSinceLast();
            for (int r = 0; r < ROUNDS; r++) {
              PairedJobCycles.Result round = paired.run(JOB_ROUND, n -> refill(twin.api, thing, depth, n));
              System.out.printf(Locale.ROOT, "  round %d: twin %,.0f, echo %,.0f cycles/s, ratio %.2f, steal %.0f %%%n",
                  r + 1, round.twinPerSecond(), round.echoPerSecond(), round.ratio(), STEAL.percentSinceLast());
              twinSeconds += JOB_ROUND / round.twinPerSecond();
              echoSeconds += JOB_ROUND / round.echoPerSecond();
              cpu += round.twinCpuMicrosPerCycle() / ROUNDS;
            }
            double twinRate = ROUNDS * JOB_ROUND / twinSeconds;
            double echoRate = ROUNDS * JOB_ROUND / echoSeconds;
            if (depth == 10) {
              shallow = twinRate / echoRate;
            }
            System.out.printf(Locale.ROOT, "%-26s %10.0f %10.0f %8.2f %12.2f %8.0f µs %9.2f%n",
                "twin, " + depth + " (+" + JOB_BATCH + ") queued", twinRate, echoRate, twinRate / echoRate,
                twinRate / shadowBound, cpu, twinRate / echoRate / shallow);
          }
        }
      }
    }
  }

  /** Cycles until the twin's compiler is quiet over 1,000 of them (shadow updates do not compile this path). */
  private void warmUpJobs(TwinProcess twin, JobCycles device, String thing, int depth) throws Exception {
    long started = System.nanoTime();
    double compiled = compilerSeconds(twin.process.pid());
    do {
      for (int done = 0; done < 1000; done += JOB_BATCH) {
        refill(twin.api, thing, depth, JOB_BATCH);
        device.run(JOB_BATCH);
      }
      double now = compilerSeconds(twin.process.pid());
      boolean quiet = now - compiled < COMPILER_QUIET.toMillis() / 1e3;
      compiled = now;
      if (quiet) {
        break;
      }
    } while (System.nanoTime() - started < TWIN_WARM_UP_MAX.toNanos());
  }

  /** Creates jobs over HTTP until {@code depth + cycles} are queued for {@code thing}; the cycles then take them. */
  private void refill(URI api, String thing, int depth, int cycles) throws Exception {
    for (int q = queued.getOrDefault(thing, 0); q < depth + cycles; q++) {
      createJob(api, "job-" + jobIds.incrementAndGet(), thing);
    }
    queued.put(thing, depth);
  }

  /** The echo responder alone: the best round-trip rate of {@code clients} closed-loop clients. */
  private double echoOnly(int clients) throws Exception {
    List<String> things = IntStream.range(0, clients).mapToObj(i -> "bench-echo-" + i).toList();
    double best = 0;
    try (ClosedLoop e = new ClosedLoop(endpoint, EchoResponder.PREFIX, things, "c-echo-only")) {
      for (int r = 0; r < ROUNDS; r++) {
        best = Math.max(best, e.run(WARM_UP, MEASURE).perSecond());
      }
    }
    return best;
  }

  // ---- http ----------------------------------------------------------------------------------------

  private void http() throws Exception {
    header("CreateJob over HTTP (PUT /jobs/{jobId}), state on disk");
    try (TwinProcess twin = TwinProcess.start(broker, dir.resolve("http"), "normal")) {
      for (int t = 0; t < 100; t++) {
        post(twin.api, "/things/bench-http-" + t, "{}", "POST");
      }
      for (int i = 0; i < 2000; i++) { // warm-up
        createJob(twin.api, "warm-" + i, "bench-http-" + (i % 100));
      }
      for (int callers : List.of(1, 4, 16)) {
        int calls = 3000;
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        long t0 = System.nanoTime();
        List<Future<?>> all = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
          all.add(pool.submit(() -> {
            for (int i; (i = next.getAndIncrement()) < calls; ) {
              createJob(twin.api, "http-" + callers + "-" + i, "bench-http-" + (i % 100));
            }
            return null;
          }));
        }
        for (Future<?> f : all) {
          f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        System.out.printf(Locale.ROOT, "%d caller%s: %,d CreateJob in %.2f s = %,.0f/s%n", callers,
            callers == 1 ? "" : "s", calls, seconds, calls / seconds);
      }
    }
  }

  // ---- soak ----------------------------------------------------------------------------------------

  private void soak() throws Exception {
    Duration length = parseDuration(System.getProperty("bench.soak", "10m"));
    int rate = Integer.getInteger("bench.soakRate", 50);
    header(String.format(Locale.ROOT, "Soak: StartCommandExecution at %d/s for %s, a device answering SUCCEEDED",
        rate, length));
    try (TwinProcess twin = TwinProcess.start(broker, dir.resolve("soak"), "normal")) {
      String commandArn = ACCOUNT_ARN + "command/soak";
      post(twin.api, "/commands/soak", "{\"payload\":{\"content\":\"e30=\",\"contentType\":\"application/json\"}}", "PUT");
      AtomicInteger answered = new AtomicInteger();
      BareCrt[] device = new BareCrt[1];
      device[0] = BareCrt.connect(endpoint, "soak-dev", (topic, payload) -> {
        device[0].publish(topic.replace("/request/json", "/response/json"),
            "{\"status\":\"SUCCEEDED\"}".getBytes(StandardCharsets.UTF_8));
        answered.incrementAndGet();
      });
      device[0].subscribe(List.of("$aws/commands/things/soak-dev/executions/+/request/json"));
      String body = "{\"targetArn\":\"" + ACCOUNT_ARN + "thing/soak-dev\",\"commandArn\":\"" + commandArn
          + "\",\"executionTimeoutSeconds\":60}";
      System.out.printf(Locale.ROOT, "%8s %10s %10s %14s %10s %10s %10s%n", "minute", "started", "answered",
          "stored execs", "db KiB", "wal KiB", "RSS MiB");
      long start = System.nanoTime();
      long periodNanos = 1_000_000_000L / rate;
      long started = 0;
      int minute = 0;
      report(twin, minute, started, answered.get());
      while (System.nanoTime() - start < length.toNanos()) {
        long due = start + started * periodNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        post(twin.api, "/command-executions", body, "POST");
        started++;
        if ((System.nanoTime() - start) / 60_000_000_000L > minute) {
          minute++;
          report(twin, minute, started, answered.get());
        }
      }
      Thread.sleep(2000);
      report(twin, minute + 1, started, answered.get());
      device[0].close();
    }
    Path db = dir.resolve("soak").resolve("twin.db");
    System.out.printf(Locale.ROOT, "after the twin stopped (log checkpointed into the database): twin.db %d KiB, "
        + "%d executions stored%n", Files.size(db) / 1024, count(db.getParent(), "command_executions"));
  }

  private void report(TwinProcess twin, int minute, long started, int answered) throws Exception {
    System.out.printf(Locale.ROOT, "%8d %10d %10d %14d %10d %10d %10.0f%n", minute, started, answered,
        count(twin.stateDir, "command_executions"), twin.fileBytes("twin.db") / 1024, twin.fileBytes("twin.db-wal") / 1024,
        twin.rssMiB());
  }

  private static long count(Path stateDir, String table) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + stateDir.resolve("twin.db") + "?open_mode=1");
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private void createJob(URI api, String jobId, String thing) throws Exception {
    post(api, "/jobs/" + jobId, "{\"targets\":[\"" + ACCOUNT_ARN + "thing/" + thing + "\"],"
        + "\"document\":\"{\\\"operation\\\":\\\"reboot\\\",\\\"n\\\":1}\"}", "PUT");
  }

  private String post(URI api, String path, String body, String method) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(api.resolve(path))
        .method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  private static ChildProcess startEcho(Mosquitto broker) throws InterruptedException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
        System.getProperty("java.class.path"), EchoResponder.class.getName(), broker.endpoint().toString()));
    ChildProcess echo = ChildProcess.start(new ProcessBuilder(command));
    echo.awaitLine(l -> l.equals("echo ready"), Duration.ofSeconds(60));
    echoPid = echo.pid();
    return echo;
  }

  private static void header(String title) {
    STEAL.percentSinceLast();
    System.out.println();
    System.out.println("== " + title + " (load average " + loadAverage() + ")");
  }

  private static void row(String name, Pair p) {
    System.out.printf(Locale.ROOT, "%-34s %22s %22s %7.2f %16s  steal %.0f %%%n", name, cell(p.echo()), cell(p.twin()),
        p.twin().perSecond() / p.echo().perSecond(),
        String.format(Locale.ROOT, "%.0f / %.0f", p.echo().cpuMicros(), p.twin().cpuMicros()), STEAL.percentSinceLast());
  }

  private static String cell(ClosedLoop.Result r) {
    return String.format(Locale.ROOT, "%,.0f (%.0f/%.0f)", r.perSecond(), r.p50Micros(), r.p99Micros());
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  private static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.endsWith("m")) {
      return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
    }
    if (t.endsWith("s")) {
      return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
    }
    return Duration.parse(text);
  }
}
