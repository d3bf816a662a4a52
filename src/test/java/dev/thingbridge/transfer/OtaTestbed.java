package dev.thingbridge.transfer;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.TwinLimits;
import dev.thingbridge.twin.jobs.ExecutionStatus;
import dev.thingbridge.twin.jobs.JobExecutionDescription;
import dev.thingbridge.twin.jobs.JobRequest;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.ota.OtaFileServer;
import dev.thingbridge.twin.streams.FileSource;
import dev.thingbridge.twin.streams.StreamDefinition;
import dev.thingbridge.twin.streams.StreamFile;
import dev.thingbridge.twin.streams.StreamsService;
import dev.thingbridge.twin.things.ThingRegistry;
import dev.thingbridge.twin.things.ThingsService;
import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cloud of the OTA tests: a twin (things, jobs, streams) on a broker, the OTA file server, and a code-signing
 * key. Jobs are created with {@code afr_ota} documents as CreateOTAUpdate writes them; an observer records every
 * job update devices send.
 */
final class OtaTestbed implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  /** One code-signing key for all tests of a run (generating one costs seconds on a loaded machine). */
  static final KeyPair KEY = newKey();

  static KeyPair newKey() {
    return dev.thingbridge.testing.OtaFixtures.ecKey();
  }

  /** One job update a device sent. */
  record Update(String jobId, String status, Map<String, String> details, QoS qos) {}

  final MqttClient twinClient;
  final Twin twin;
  final ThingsService things;
  final JobsService jobs;
  final StreamsService streams;
  final OtaFileServer files;
  final KeyPair signingKey;
  final Path certificate;
  final List<Update> updates = new CopyOnWriteArrayList<>();
  /** The twin's clock: the system's, moved forward by {@link SkippingClock#skip} to reach job timeouts at once. */
  final SkippingClock clock = new SkippingClock();
  private final MqttClient watcher;
  private final Subscription observer;
  private final Path dir;

  OtaTestbed(Path dir, Function<String, MqttClient> connect, TwinLimits limits) throws Exception {
    this.dir = Files.createDirectories(dir);
    ThingRegistry registry = new ThingRegistry();
    things = new ThingsService(registry);
    jobs = new JobsService(registry);
    streams = new StreamsService();
    twinClient = connect.apply("twin");
    twin = Twin.builder(twinClient).clock(clock).limits(limits).service(things).service(jobs).service(streams).build();
    twin.start().get(10, TimeUnit.SECONDS);
    files = OtaFileServer.startOnLoopback();
    signingKey = KEY;
    certificate = writeCertificate(dir.resolve("codesign.pem"), signingKey);
    watcher = connect.apply("update-observer");
    observer = watcher.subscribe(List.of(SubscriptionFilter.of("$aws/things/+/jobs/+/update", QoS.AT_LEAST_ONCE)),
        m -> record(m)).get(10, TimeUnit.SECONDS);
  }

  private void record(MqttMessage m) {
    try {
      JsonNode n = JSON.readTree(m.payload());
      Map<String, String> details = new java.util.LinkedHashMap<>();
      n.path("statusDetails").fields().forEachRemaining(e -> details.put(e.getKey(), e.getValue().asText()));
      updates.add(new Update(m.topic().split("/")[4], n.path("status").asText(), details, m.qos()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  List<Update> updatesOf(String jobId) {
    return updates.stream().filter(u -> u.jobId().equals(jobId)).toList();
  }

  /**
   * Waits until the twin holds the job's execution as SUCCEEDED and the observer has heard the update that made
   * it so: the observer is another subscriber, so its copy can arrive after the twin has applied the update.
   */
  List<Update> updatesOfSucceeded(String thing, String jobId, Duration wait) {
    await().atMost(wait).until(() -> {
      List<Update> seen = updatesOf(jobId);
      return execution(thing, jobId).status() == ExecutionStatus.SUCCEEDED
          && !seen.isEmpty() && seen.get(seen.size() - 1).status().equals("SUCCEEDED");
    });
    return updatesOf(jobId);
  }

  void register(String thing) {
    things.createThing(thing);
  }

  static byte[] randomBytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  Path writeFile(String name, byte[] content) throws IOException {
    Path p = dir.resolve("files").resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, content);
    return p;
  }

  String sign(Path file) throws GeneralSecurityException, IOException {
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(signingKey.getPrivate());
    s.update(Files.readAllBytes(file));
    return Base64.getEncoder().encodeToString(s.sign());
  }

  /** A file entry of an afr_ota document. */
  ObjectNode fileEntry(String filepath, Path content, int fileId, Integer fileType, String signature) throws IOException {
    ObjectNode f = JSON.createObjectNode();
    f.put("filepath", filepath);
    f.put("filesize", Files.size(content));
    f.put("fileid", fileId);
    f.putNull("certfile");
    if (fileType != null) {
      f.put("fileType", fileType);
    }
    if (signature != null) {
      f.put("sig-sha256-ecdsa", signature);
    }
    return f;
  }

  /** Creates a stream of {@code files} (file ids by position) and an MQTT OTA job for {@code thing}. */
  String mqttJob(String thing, String jobId, List<ObjectNode> entries, List<Path> contents) {
    String stream = "AFR_OTA-" + jobId;
    List<StreamFile> sf = new ArrayList<>();
    for (int i = 0; i < contents.size(); i++) {
      sf.add(new StreamFile(entries.get(i).get("fileid").asInt(), FileSource.of(contents.get(i))));
    }
    streams.catalog().put(StreamDefinition.of(stream, "test stream", sf));
    ObjectNode ota = JSON.createObjectNode();
    ota.putArray("protocols").add("MQTT");
    ota.put("streamname", stream);
    ArrayNode fa = ota.putArray("files");
    entries.forEach(fa::add);
    createJob(thing, jobId, ota);
    return jobId;
  }

  /** An HTTP OTA job: each file served by the file server, its URL good for {@code expiry}. */
  String httpJob(String thing, String jobId, List<ObjectNode> entries, List<Path> contents, Duration expiry) {
    return httpJob(thing, jobId, entries, contents, expiry, null);
  }

  /** An HTTP OTA job that times out ({@code TIMED_OUT}) {@code inProgressMinutes} after it started, if not null. */
  String httpJob(String thing, String jobId, List<ObjectNode> entries, List<Path> contents, Duration expiry,
      Integer inProgressMinutes) {
    ObjectNode ota = JSON.createObjectNode();
    ota.putArray("protocols").add("HTTP");
    ArrayNode fa = ota.putArray("files");
    for (int i = 0; i < contents.size(); i++) {
      String key = jobId + "/" + i;
      files.put(key, FileSource.of(contents.get(i)));
      ObjectNode e = entries.get(i).deepCopy();
      e.put("update_data_url", files.presign(key, expiry));
      e.put("auth_scheme", "aws.s3.presigned");
      fa.add(e);
    }
    createJob(thing, jobId, ota, inProgressMinutes);
    return jobId;
  }

  void createJob(String thing, String jobId, ObjectNode ota) {
    createJob(thing, jobId, ota, null);
  }

  private void createJob(String thing, String jobId, ObjectNode ota, Integer inProgressMinutes) {
    ObjectNode doc = JSON.createObjectNode();
    doc.set("afr_ota", ota);
    JobRequest.Builder b = JobRequest.builder(jobId).document(doc.toString()).target(things.registry().thingArn(thing));
    if (inProgressMinutes != null) {
      b.inProgressTimeoutInMinutes(inProgressMinutes);
    }
    jobs.createJob(b.build());
  }

  /** The system clock plus a gap that only grows: timeouts of minutes are reached by skipping, not waiting. */
  static final class SkippingClock extends java.time.Clock {
    private final java.util.concurrent.atomic.AtomicLong skippedNanos = new java.util.concurrent.atomic.AtomicLong();

    /** Moves the clock forward by {@code d} (it keeps running from there). */
    void skip(Duration d) {
      skippedNanos.addAndGet(d.toNanos());
    }

    @Override
    public Instant instant() {
      return Instant.now().plusNanos(skippedNanos.get());
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  JobExecutionDescription execution(String thing, String jobId) {
    return jobs.describeJobExecution(thing, jobId, null);
  }

  static Path writeCertificate(Path file, KeyPair key) throws Exception {
    X500Name name = new X500Name("CN=thingbridge test code signing");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), name, key.getPublic());
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(cert);
    }
    return file;
  }

  CodeSigningVerifier verifier() throws IOException {
    return CodeSigningVerifier.builder().certificate(certificate).build();
  }

  @Override
  public void close() {
    observer.close();
    watcher.close();
    files.close();
    streams.close();
    twin.close();
    twinClient.close();
  }
}
