package dev.thingbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.testing.ChildProcess;
import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.testing.OtaFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iot.IotClient;
import software.amazon.awssdk.services.iot.model.OTAUpdateFile;
import software.amazon.awssdk.services.iot.model.Protocol;

/**
 * OTA throughput and heap as users run them: Mosquitto on loopback; the packaged twin in its own process ({@code
 * java -jar target/thingbridge.jar twin --state-dir DIR [--aws-limits]}); the device as the packaged {@code
 * thingbridge ota run --count 1} in another process; each update created with the AWS SDK's {@code
 * CreateOTAUpdate} against the twin's API. A row's time runs from {@code CreateOTAUpdate} returning to the device's
 * {@code succeeded} line: the job notification, the download, the SHA-256 and ECDSA checks and the installation.
 *
 * <ul>
 *   <li>MQTT streams under {@code --aws-limits} (512 KiB/s and 100 publishes/s per thing) and without limits: the
 *       FreeRTOS defaults (4 KiB blocks, one block per request) are the baseline; rustot's (4 KiB, 16 per request)
 *       and 32 KiB blocks, 4 per request (128 KiB per request, AWS's largest) beside them.
 *   <li>HTTP, 16 MiB and {@code HTTP_MIB}: the baseline is {@link PlainGet}, what a user would otherwise write: a
 *       plain {@code java.net.http.HttpClient} GET of the same pre-signed URL into a file and an fsync, in a
 *       process of its own as {@code ota run} is; beside it {@code ota run --protocol http} and the same GET in
 *       this warmed-up process. {@code -Dota.bench.rounds=N} (default 3) rounds of the three in turn; medians,
 *       each round's ratio, and the CPU seconds of the downloading process and of the twin. A 1 MiB update shows
 *       the job's fixed cost (notification, status updates, checks, installation).
 *   <li>Heap: the device with {@code -Xmx64m -XX:+UseSerialGC} taking a 256 MiB file over MQTT (32 KiB blocks);
 *       the live heap after each collection, idle (baseline) and during the download, from its GC log.
 * </ul>
 *
 * <p>Run after {@code ./mvnw -B -q package -DskipTests}: {@code ./mvnw -q -B test-compile exec:exec
 * -Dexec.executable=java -Dexec.classpathScope=test -Dexec.args="-cp %classpath dev.thingbridge.bench.OtaBench
 * [LIMITED_MIB UNLIMITED_MIB HTTP_MIB HEAP_MIB [limited,unlimited,http,heap]]"} (sizes default to 8 32 128 256).
 */
public final class OtaBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START = Duration.ofMinutes(2);
  private static final Pattern GC_LINE = Pattern.compile("GC\\((\\d+)\\).* (\\d+)M->(\\d+)M\\((\\d+)M\\)");
  private static final String THING = "bench-gw";

  private final Path dir;
  private final Mosquitto broker;
  private final KeyPair key;
  private final Path certificate;
  private int updates;

  private OtaBench(Path dir, Mosquitto broker) throws Exception {
    this.dir = dir;
    this.broker = broker;
    this.key = OtaFixtures.ecKey();
    this.certificate = OtaFixtures.writeCertificate(dir.resolve("codesign.pem"), key, "thingbridge OTA bench",
        Duration.ofDays(1));
  }

  public static void main(String[] args) throws Exception {
    long limitedMiB = args.length > 0 ? Long.parseLong(args[0]) : 8;
    long unlimitedMiB = args.length > 1 ? Long.parseLong(args[1]) : 32;
    long httpMiB = args.length > 2 ? Long.parseLong(args[2]) : 128;
    long heapMiB = args.length > 3 ? Long.parseLong(args[3]) : 256;
    List<String> sections = List.of((args.length > 4 ? args[4] : "limited,unlimited,http,heap").split(","));
    Path dir = Files.createTempDirectory("ota-bench");
    try (Mosquitto broker = Mosquitto.plain(dir.resolve("mosquitto"))) {
      OtaBench bench = new OtaBench(dir, broker);
      if (sections.contains("limited")) {
        bench.mqtt(true, limitedMiB);
      }
      if (sections.contains("unlimited")) {
        bench.mqtt(false, unlimitedMiB);
      }
      if (sections.contains("http")) {
        bench.http(httpMiB);
      }
      if (sections.contains("heap")) {
        bench.heap(heapMiB);
      }
    }
    System.exit(0);
  }

  private record Row(String name, long bytes, double seconds) {
    double mibPerSecond() {
      return bytes / 1048576.0 / seconds;
    }
  }

  private static void print(String title, List<Row> rows) {
    System.out.println();
    System.out.println(title);
    System.out.printf(Locale.ROOT, "%-58s %8s %9s %9s %7s%n", "", "MiB", "seconds", "MiB/s", "ratio");
    Row base = rows.get(0);
    for (Row r : rows) {
      System.out.printf(Locale.ROOT, "%-58s %8.0f %9.2f %9.2f %7.2f%n", r.name, r.bytes / 1048576.0, r.seconds,
          r.mibPerSecond(), r.mibPerSecond() / base.mibPerSecond());
    }
  }

  private void mqtt(boolean awsLimits, long mib) throws Exception {
    Path file = file("stream-" + awsLimits + ".bin", mib << 20);
    List<Row> rows = new ArrayList<>();
    try (TwinProcess twin = twin(awsLimits ? "limited" : "unlimited", awsLimits); IotClient iot = iot(twin)) {
      iot.createThing(b -> b.thingName(THING));
      // A warm-up update: the twin's first stream and the JIT of both sides are not what the rows compare.
      update(iot, file("warm-" + awsLimits + ".bin", 1 << 20), Protocol.MQTT, List.of("--block-size", "4096"), null);
      rows.add(new Row("FreeRTOS defaults: 4 KiB blocks, 1 per request (baseline)", mib << 20,
          update(iot, file, Protocol.MQTT, List.of("--block-size", "4096", "--blocks-per-request", "1"), null)));
      rows.add(new Row("rustot's defaults: 4 KiB blocks, 16 per request", mib << 20,
          update(iot, file, Protocol.MQTT, List.of("--block-size", "4096", "--blocks-per-request", "16"), null)));
      rows.add(new Row("32 KiB blocks, 4 per request (128 KiB per request)", mib << 20,
          update(iot, file, Protocol.MQTT, List.of("--block-size", "32768", "--blocks-per-request", "4"), null)));
    }
    print("MQTT streams, " + (awsLimits ? "twin --aws-limits (512 KiB/s per thing)" : "no limits")
        + ": CreateOTAUpdate to the device's succeeded line", rows);
  }

  /** One measurement: seconds, and CPU seconds of the downloading process and of the twin meanwhile. */
  private record Run(double seconds, double cpu, double twinCpu) {}

  /**
   * Rounds of three downloads of the same file from the same twin, in turn: {@code ota run --protocol http} (a
   * fresh device process, timed from {@code CreateOTAUpdate} to its {@code succeeded} line), {@link PlainGet} (a
   * fresh process: GET into a file and fsync, timed from building its client to the fsync's end) and a GET plus
   * fsync in this warmed-up process. Medians of the rounds, the ratio to {@link PlainGet}'s median, and each
   * round's own ratio.
   */
  private void http(long mib) throws Exception {
    int rounds = Integer.getInteger("ota.bench.rounds", 3);
    List<Long> sizes = new ArrayList<>(List.of(16L, mib));
    if (mib == 16) {
      sizes.remove(0);
    }
    try (TwinProcess twin = twin("http", false); IotClient iot = iot(twin)) {
      iot.createThing(b -> b.thingName(THING));
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      // Warm-up: the twin's file server and this process's client; neither is what the rows compare.
      String warmId = "warm-http";
      update(iot, file("warm-http.bin", 1 << 20), Protocol.HTTP, List.of("--protocol", "http"), warmId);
      plainGet(client, url(iot, "AFR_OTA-" + warmId), dir.resolve("plain-warm.bin"));
      List<Run> fixed = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        fixed.add(updateMeasured(twin, iot, file("small-http.bin", 1 << 20), "http-small-" + (updates + 1)));
      }
      for (long size : sizes) {
        Path file = file("http-" + size + ".bin", size << 20);
        List<Run> ours = new ArrayList<>();
        List<Run> fresh = new ArrayList<>();
        List<Run> warm = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
          String id = "http-" + size + "-" + (updates + 1);
          ours.add(updateMeasured(twin, iot, file, id));
          String url = url(iot, "AFR_OTA-" + id);
          fresh.add(freshJvmGet(twin, url, dir.resolve("plain-fresh.bin")));
          warm.add(warmGet(twin, client, url, dir.resolve("plain-warm.bin")));
        }
        printHttp(size, rounds, fresh, ours, warm, fixed);
      }
    }
  }

  private void printHttp(long mib, int rounds, List<Run> fresh, List<Run> ours, List<Run> warm, List<Run> fixed) {
    double base = median(fresh, Run::seconds);
    System.out.println();
    System.out.printf(Locale.ROOT, "HTTP, %d MiB from the twin's file server, the same pre-signed URL; medians of %d "
        + "rounds (load %s)%n", mib, rounds, load());
    System.out.printf(Locale.ROOT, "%-62s %8s %8s %7s %9s %9s   %s%n", "", "seconds", "MiB/s", "ratio", "CPU s",
        "twin CPU", "ratio per round");
    httpRow("PlainGet: HttpClient GET to a file + fsync, own process (baseline)", mib, fresh, base, fresh);
    httpRow("ota run --protocol http, own process: CreateOTAUpdate to succeeded", mib, ours, base, fresh);
    httpRow("HttpClient GET to a file + fsync, in this warmed-up process", mib, warm, base, fresh);
    httpRow("a 1 MiB update through ota run (the job's fixed cost)", 1, fixed, base, null);
  }

  private static void httpRow(String name, long mib, List<Run> runs, double base, List<Run> baseRuns) {
    double seconds = median(runs, Run::seconds);
    StringBuilder each = new StringBuilder();
    for (int i = 0; baseRuns != null && i < runs.size(); i++) {
      each.append(String.format(Locale.ROOT, "%.2f ", baseRuns.get(i).seconds / runs.get(i).seconds));
    }
    System.out.printf(Locale.ROOT, "%-62s %8.2f %8.1f %7s %9.2f %9.2f   %s%n", name, seconds, mib / seconds,
        baseRuns == null ? "" : String.format(Locale.ROOT, "%.2f", base / seconds), median(runs, Run::cpu),
        median(runs, Run::twinCpu), each.toString().trim());
  }

  private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
    double[] v = runs.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (Exception e) {
      return "?";
    }
  }

  /** CPU seconds a process has used so far (user + system, Linux), or 0. */
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (Exception e) {
      return 0;
    }
  }

  /** {@link #update} with the device's and the twin's CPU time during the job. */
  private Run updateMeasured(TwinProcess twin, IotClient iot, Path file, String id) throws Exception {
    try (Device device = Device.start(this, deviceJvm(), List.of("--protocol", "http"))) {
      double twinBefore = cpuSeconds(twin.process.pid());
      double before = cpuSeconds(device.process.pid());
      double seconds = device.take(iot, this, file, Protocol.HTTP, id);
      return new Run(seconds, cpuSeconds(device.process.pid()) - before, cpuSeconds(twin.process.pid()) - twinBefore);
    }
  }

  private static Run warmGet(TwinProcess twin, HttpClient client, String url, Path into) throws Exception {
    double twinBefore = cpuSeconds(twin.process.pid());
    long cpuBefore = processCpuNanos();
    long start = System.nanoTime();
    plainGet(client, url, into);
    try (FileChannel ch = FileChannel.open(into, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    return new Run((System.nanoTime() - start) / 1e9, (processCpuNanos() - cpuBefore) / 1e9,
        cpuSeconds(twin.process.pid()) - twinBefore);
  }

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** {@link PlainGet} in its own JVM: the seconds and CPU seconds it reports (its JVM's start not counted). */
  private static Run freshJvmGet(TwinProcess twin, String url, Path into) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
        System.getProperty("java.class.path"), PlainGet.class.getName(), url, into.toString());
    try (ChildProcess p = ChildProcess.start(pb)) {
      // PlainGet waits for a line on its input before it starts, so that the twin's CPU is counted from there.
      p.awaitLine(l -> l.equals("ready"), Duration.ofMinutes(2));
      double twinBefore = cpuSeconds(twin.process.pid());
      p.process().getOutputStream().write('\n');
      p.process().getOutputStream().flush();
      String line = p.awaitLine(l -> l.matches("[0-9.]+ [0-9.]+"), Duration.ofMinutes(5));
      String[] f = line.split(" ");
      return new Run(Double.parseDouble(f[0]), Double.parseDouble(f[1]), cpuSeconds(twin.process.pid()) - twinBefore);
    }
  }

  private void heap(long mib) throws Exception {
    Path file = file("heap.bin", mib << 20);
    try (TwinProcess twin = twin("heap", false); IotClient iot = iot(twin)) {
      iot.createThing(b -> b.thingName(THING));
      Path gcLog = dir.resolve("device-gc.log");
      List<String> jvm = List.of("-Xmx64m", "-XX:+UseSerialGC", "-Xlog:gc:file=" + gcLog);
      Device device = Device.start(this, jvm, List.of("--block-size", "32768", "--blocks-per-request", "4"));
      try (device) {
        Thread.sleep(2000); // let the idle device settle (a figure, not a test: no condition to wait for)
        int idleGcs = gcs(gcLog).size();
        double seconds = device.take(iot, this, file, Protocol.MQTT, "heap-1");
        List<long[]> all = gcs(gcLog);
        long idleLive = all.subList(0, idleGcs).stream().mapToLong(g -> g[2]).max().orElse(-1);
        long busyLive = all.subList(idleGcs, all.size()).stream().mapToLong(g -> g[2]).max().orElse(-1);
        long busyBefore = all.subList(idleGcs, all.size()).stream().mapToLong(g -> g[1]).max().orElse(-1);
        System.out.println();
        System.out.printf(Locale.ROOT, "Device heap (-Xmx64m, SerialGC), %d MiB over MQTT in %.1f s (%.1f MiB/s)%n",
            mib, seconds, mib / seconds);
        System.out.printf(Locale.ROOT, "%-58s %10s %12s%n", "", "GCs", "live MiB max");
        System.out.printf(Locale.ROOT, "%-58s %10d %12d%n", "idle, connected and subscribed (baseline)", idleGcs,
            idleLive);
        System.out.printf(Locale.ROOT, "%-58s %10d %12d   (heap at a collection, max: %d MiB; peak RSS %d MiB)%n",
            "during the download", all.size() - idleGcs, busyLive, busyBefore, device.peakRssMiB);
      }
    }
  }

  /** Every collection in a GC log: {id, MiB before, MiB after, MiB committed}. */
  private static List<long[]> gcs(Path log) throws Exception {
    List<long[]> out = new ArrayList<>();
    if (!Files.exists(log)) {
      return out;
    }
    for (String line : Files.readAllLines(log)) {
      Matcher m = GC_LINE.matcher(line);
      if (m.find()) {
        out.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
            Long.parseLong(m.group(4))});
      }
    }
    return out;
  }

  private TwinProcess twin(String name, boolean awsLimits) throws InterruptedException {
    return TwinProcess.start(broker, dir.resolve("twin-" + name), "normal",
        awsLimits ? List.of("--aws-limits") : List.of());
  }

  private static IotClient iot(TwinProcess twin) {
    return IotClient.builder().endpointOverride(twin.api).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
        .httpClient(UrlConnectionHttpClient.create()).build();
  }

  /** One update through a fresh device process; seconds from CreateOTAUpdate to its succeeded line. */
  private double update(IotClient iot, Path file, Protocol protocol, List<String> flags, String id) throws Exception {
    try (Device device = Device.start(this, deviceJvm(), flags)) {
      return device.take(iot, this, file, protocol, id != null ? id : "u-" + (updates + 1));
    }
  }

  /**
   * JVM options for the device processes of the throughput rows, from {@code -Dota.bench.deviceJvm="..."} (split at
   * spaces; {@code %n} becomes the update's number), e.g. {@code -XX:StartFlightRecording=filename=dev-%n.jfr} to
   * profile them.
   */
  private List<String> deviceJvm() {
    String opts = System.getProperty("ota.bench.deviceJvm", "").trim();
    if (opts.isEmpty()) {
      return List.of();
    }
    return List.of(opts.replace("%n", Integer.toString(updates + 1)).split(" +"));
  }

  private void create(IotClient iot, String id, Path file, byte[] sig, Protocol protocol) {
    updates++;
    iot.createOTAUpdate(b -> b.otaUpdateId(id).targets("arn:aws:iot:us-east-1:123456789012:thing/" + THING)
        .protocols(protocol).roleArn("arn:aws:iam::123456789012:role/ota")
        .files(OTAUpdateFile.builder().fileName(file.getFileName().toString()).fileType(7)
            .fileLocation(l -> l.s3Location(s -> s.bucket("bench").key(file.toString())))
            .codeSigning(c -> c.customCodeSigning(cc -> cc.signature(sg -> sg.inlineDocument(SdkBytes.fromByteArray(sig)))
                .hashAlgorithm("SHA256").signatureAlgorithm("ECDSA"))).build()));
  }

  private static String url(IotClient iot, String jobId) throws Exception {
    JsonNode doc = JSON.readTree(iot.getJobDocument(b -> b.jobId(jobId)).document());
    return doc.path("afr_ota").path("files").path(0).path("update_data_url").asText();
  }

  private static void plainGet(HttpClient client, String url, Path into) throws Exception {
    HttpResponse<Path> r = client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofFile(into));
    if (r.statusCode() != 200) {
      throw new IllegalStateException("plain GET answered " + r.statusCode());
    }
  }

  private Path file(String name, long size) throws Exception {
    Path p = dir.resolve(name);
    return Files.exists(p) ? p : OtaFixtures.randomFile(p, size);
  }

  /** {@code java [jvm] -jar thingbridge.jar ota run ...} in its own process, with its own state directory. */
  private static final class Device implements AutoCloseable {
    final ChildProcess process;
    private long peakRssMiB = -1;

    private Device(ChildProcess process) {
      this.process = process;
    }

    static Device start(OtaBench bench, List<String> jvm, List<String> flags) throws InterruptedException {
      List<String> cmd = new ArrayList<>();
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      cmd.addAll(jvm);
      cmd.addAll(List.of("-jar", TwinProcess.JAR, "ota", "run", "--thing", THING, "--state-dir",
          bench.dir.resolve("device-" + (bench.updates + 1)).toString(), "--endpoint",
          bench.broker.endpoint().toString(), "--code-signing-cert", bench.certificate.toString(), "--count", "1"));
      cmd.addAll(flags);
      String extra = System.getProperty("ota.bench.deviceFlags", "").trim();
      if (!extra.isEmpty()) {
        cmd.addAll(List.of(extra.split(" +")));
      }
      ChildProcess p = ChildProcess.start(new ProcessBuilder(cmd));
      p.awaitLine(l -> l.contains("\"event\":\"ready\""), START);
      return new Device(p);
    }

    double take(IotClient iot, OtaBench bench, Path file, Protocol protocol, String id) throws Exception {
      byte[] sig = OtaFixtures.sign(bench.key, file); // signing is the operator's work, not the device's
      long start = System.nanoTime();
      bench.create(iot, id, file, sig, protocol);
      String end = process.awaitLine(l -> l.contains("\"event\":\"succeeded\"") || l.contains("\"event\":\"failed\""),
          Duration.ofMinutes(10));
      double seconds = (System.nanoTime() - start) / 1e9;
      peakRssMiB = peakRss(process.pid());
      if (Boolean.getBoolean("ota.bench.verbose")) {
        System.out.printf(Locale.ROOT, "%s: created at %s, done %.3f s later%n", id,
            java.time.Instant.now().minusNanos(System.nanoTime() - start), seconds);
        System.out.println(process.output());
      }
      if (!end.contains("succeeded")) {
        throw new IllegalStateException("the update failed: " + end);
      }
      return seconds;
    }

    private static long peakRss(long pid) {
      try {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
          if (l.startsWith("VmHWM:")) {
            return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024;
          }
        }
      } catch (Exception e) {
        return -1;
      }
      return -1;
    }

    @Override
    public void close() throws InterruptedException {
      try {
        process.awaitExit(Duration.ofSeconds(30));
      } catch (AssertionError e) {
        System.err.println("the device did not exit by itself: " + e.getMessage());
      } finally {
        process.close();
      }
    }
  }
}
