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
 *   <li>HTTP: a plain {@code java.net.http.HttpClient} GET of the same pre-signed URL into a file, in this process,
 *       is the baseline for {@code ota run --protocol http}; beside it the same with an fsync, and the same with
 *       an fsync in a fresh JVM ({@link PlainGet}: a device's first download pays class loading and the JIT, a
 *       GET in this warmed-up process does not). A 1 MiB update measures the job's fixed cost (notification,
 *       status updates, checks, installation), which the last row takes off.
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

  private void http(long mib) throws Exception {
    Path file = file("http.bin", mib << 20);
    Path small = file("small-http.bin", 1 << 20);
    List<Row> rows = new ArrayList<>();
    try (TwinProcess twin = twin("http", false); IotClient iot = iot(twin)) {
      iot.createThing(b -> b.thingName(THING));
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String warmId = "warm-http";
      update(iot, file("warm-http.bin", 1 << 20), Protocol.HTTP, List.of("--protocol", "http"), warmId);
      String url = url(iot, "AFR_OTA-" + warmId);
      plainGet(client, url, dir.resolve("plain-warm.bin"));
      // The job's fixed cost (notification, status updates, checks, installation) with next to no download.
      double fixed = update(iot, small, Protocol.HTTP, List.of("--protocol", "http"), "http-small-" + (updates + 1));
      String id = "http-" + (updates + 1);
      double ours = update(iot, file, Protocol.HTTP, List.of("--protocol", "http"), id);
      String bigUrl = url(iot, "AFR_OTA-" + id);
      long start = System.nanoTime();
      plainGet(client, bigUrl, dir.resolve("plain.bin"));
      double plain = (System.nanoTime() - start) / 1e9;
      start = System.nanoTime();
      plainGet(client, bigUrl, dir.resolve("plain-synced.bin"));
      try (FileChannel ch = FileChannel.open(dir.resolve("plain-synced.bin"), StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      double synced = (System.nanoTime() - start) / 1e9;
      double fresh = freshJvmGet(bigUrl, dir.resolve("plain-fresh.bin"));
      long bytes = mib << 20;
      rows.add(new Row("java.net.http.HttpClient GET into a file (baseline)", bytes, plain));
      rows.add(new Row("the same, then fsync (what a durable install needs)", bytes, synced));
      rows.add(new Row("GET and fsync in a fresh JVM (first download of a process)", bytes, fresh));
      rows.add(new Row("ota run --protocol http (ranges, SHA-256, ECDSA, install)", bytes, ours));
      rows.add(new Row("ota run, less a 1 MiB update's time (the job's fixed cost)", bytes - (1 << 20), ours - fixed));
    }
    print("HTTP from the twin's file server, the same pre-signed URL", rows);
    Row fresh = rows.get(2);
    System.out.printf(Locale.ROOT, "ota run against the fresh-JVM GET and fsync: %.2f end to end, %.2f without the "
        + "job's fixed cost%n", rows.get(3).mibPerSecond() / fresh.mibPerSecond(),
        rows.get(4).mibPerSecond() / fresh.mibPerSecond());
  }

  /** {@link PlainGet} in its own JVM; the seconds it reports (JVM start-up not counted). */
  private static double freshJvmGet(String url, Path into) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
        System.getProperty("java.class.path"), PlainGet.class.getName(), url, into.toString());
    try (ChildProcess p = ChildProcess.start(pb)) {
      String line = p.awaitLine(l -> l.matches("[0-9.]+"), Duration.ofMinutes(5));
      return Double.parseDouble(line);
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
    private final ChildProcess process;
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
