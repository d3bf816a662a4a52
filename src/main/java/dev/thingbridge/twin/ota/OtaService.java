package dev.thingbridge.twin.ota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.twin.TwinContext;
import dev.thingbridge.twin.TwinOutbox;
import dev.thingbridge.twin.TwinService;
import dev.thingbridge.twin.http.ApiJson;
import dev.thingbridge.twin.http.AwsApiException;
import dev.thingbridge.twin.http.Route;
import dev.thingbridge.twin.jobs.JobRequest;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.store.StoreReader;
import dev.thingbridge.twin.store.StoreSchema;
import dev.thingbridge.twin.streams.FileSource;
import dev.thingbridge.twin.streams.StreamDefinition;
import dev.thingbridge.twin.streams.StreamFile;
import dev.thingbridge.twin.streams.StreamsService;
import dev.thingbridge.twin.things.ThingRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The cloud side of AWS IoT OTA updates: CreateOTAUpdate, GetOTAUpdate, ListOTAUpdates and DeleteOTAUpdate, in AWS's
 * shapes. An update becomes the job {@code AFR_OTA-<id>} with an {@code afr_ota} document for its targets: over
 * MQTT from a stream of its own ({@code AFR_OTA-<uuid>}, created from the files' S3 locations) or from an existing
 * stream; over HTTP from the twin's file server, with pre-signed URLs good for {@code
 * awsJobPresignedUrlConfig.expiresInSec} (default 1800 s).
 *
 * <p>Differences from AWS: an S3 location is a local file ({@link dev.thingbridge.twin.streams.S3Files}); a
 * {@code customCodeSigning} signature is copied into the document as is, a {@code file://} {@code certificateArn}
 * makes the twin sign the file itself, AWS Signer jobs are refused; the URL is signed once, at creation (AWS signs
 * it anew each time a device fetches the job); the update is complete (or refused) when the call returns.
 */
public final class OtaService implements TwinService {
  private static final Pattern ID = Pattern.compile("[a-zA-Z0-9_-]{1,128}");
  private static final long DEFAULT_URL_EXPIRY = 1800;

  private final OtaUpdateCatalog catalog;
  private final StreamsService streams;
  private final JobsService jobs;
  private final ThingRegistry registry;
  private final OtaFileServer files;
  private TwinContext context;

  /**
   * @param files the file server for HTTP delivery, or null (then HTTP updates are refused)
   */
  public OtaService(OtaUpdateCatalog catalog, StreamsService streams, JobsService jobs, ThingRegistry registry,
      OtaFileServer files) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.streams = Objects.requireNonNull(streams, "streams");
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.files = files;
  }

  @Override
  public String name() {
    return "ota";
  }

  @Override
  public void attach(TwinContext ctx) {
    this.context = ctx;
  }

  @Override
  public List<SubscriptionFilter> filters() {
    return List.of();
  }

  @Override
  public boolean handle(MqttMessage request, TwinOutbox out) {
    return false;
  }

  @Override
  public List<Route> routes() {
    return OtaRoutes.of(this);
  }

  public OtaUpdateCatalog catalog() {
    return catalog;
  }

  /** {@code arn:aws:iot:<region>:<account>:otaupdate/<id>}. */
  public String arnOf(String otaUpdateId) {
    return registry.arn("otaupdate/" + otaUpdateId);
  }

  /**
   * CreateOTAUpdate from its request body.
   *
   * @throws AwsApiException InvalidRequestException (a malformed request, an unsupported option),
   *     ResourceNotFoundException (a file or a target thing is missing), ResourceAlreadyExistsException
   */
  public OtaUpdate create(String otaUpdateId, JsonNode body) {
    if (otaUpdateId == null || !ID.matcher(otaUpdateId).matches()) {
      throw AwsApiException.invalidRequest("otaUpdateId must be 1-128 of [a-zA-Z0-9_-]");
    }
    if (catalog.find(otaUpdateId).isPresent()) {
      throw new AwsApiException(409, "ResourceAlreadyExistsException", "OTA update " + otaUpdateId + " already exists");
    }
    List<String> targets = strings(body.get("targets"), "targets", true);
    for (String t : targets) {
      if (registry.thingNameOf(t).isEmpty()) {
        throw AwsApiException.invalidRequest("target " + t + " is not a thing ARN (thing groups are not modelled)");
      }
    }
    List<String> protocols = strings(body.get("protocols"), "protocols", false);
    if (protocols.isEmpty()) {
      protocols = List.of("MQTT");
    }
    for (String p : protocols) {
      if (!p.equals("MQTT") && !p.equals("HTTP")) {
        throw AwsApiException.invalidRequest("protocols must be MQTT and/or HTTP: " + p);
      }
    }
    JsonNode fileList = body.get("files");
    if (fileList == null || !fileList.isArray() || fileList.isEmpty()) {
      throw AwsApiException.invalidRequest("files must list at least one file");
    }
    List<OtaFilePlan> plans = new ArrayList<>();
    for (int i = 0; i < fileList.size(); i++) {
      plans.add(OtaFilePlan.of(fileList.get(i), i, streams));
    }
    long expiry = body.path("awsJobPresignedUrlConfig").path("expiresInSec").asLong(DEFAULT_URL_EXPIRY);
    if (expiry < 60 || expiry > 3600) {
      throw AwsApiException.invalidRequest("awsJobPresignedUrlConfig.expiresInSec must be 60-3600");
    }
    return publish(otaUpdateId, body, targets, protocols, plans, expiry);
  }

  private OtaUpdate publish(String id, JsonNode body, List<String> targets, List<String> protocols,
      List<OtaFilePlan> plans, long expiry) {
    String streamId = null;
    int[] fileIds = new int[plans.size()];
    if (protocols.contains("MQTT")) {
      streamId = streamFor(plans, fileIds);
    }
    List<String> keys = new ArrayList<>();
    List<Object[]> fileRows = new ArrayList<>();
    String[] urls = new String[plans.size()];
    if (protocols.contains("HTTP")) {
      if (files == null) {
        throw AwsApiException.invalidRequest("HTTP delivery needs the twin's file server, which is off");
      }
      for (OtaFilePlan p : plans) {
        if (p.source().path() == null && p.s3() == null) {
          throw AwsApiException.invalidRequest("HTTP delivery needs files with an S3 location");
        }
        String key = id + "/" + p.index();
        files.put(key, p.source());
        keys.add(key);
        fileRows.add(new Object[] {key, id, p.source().path().toAbsolutePath().toString()});
        urls[p.index()] = files.presign(key, Duration.ofSeconds(expiry));
      }
    }
    ObjectNode ota = ApiJson.MAPPER.createObjectNode();
    ArrayNode pa = ota.putArray("protocols");
    protocols.forEach(pa::add);
    if (streamId != null) {
      ota.put("streamname", streamId);
    }
    ArrayNode fa = ota.putArray("files");
    for (OtaFilePlan p : plans) {
      fa.add(p.documentEntry(fileIds[p.index()], urls[p.index()]));
    }
    ObjectNode doc = ApiJson.MAPPER.createObjectNode();
    doc.set("afr_ota", ota);
    String jobId = OtaUpdate.jobIdOf(id);
    Integer timeout = body.path("awsJobTimeoutConfig").has("inProgressTimeoutInMinutes")
        ? body.path("awsJobTimeoutConfig").get("inProgressTimeoutInMinutes").asInt() : null;
    String description = ApiJson.text(body, "description");
    try {
      jobs.createJob(new JobRequest(jobId, doc.toString(), targets, description, ApiJson.text(body, "targetSelection"),
          timeout));
    } catch (RuntimeException e) {
      if (streamId != null && plans.stream().noneMatch(p -> p.streamId() != null)) {
        streams.removeStream(streamId);
      }
      keys.forEach(files::remove);
      throw e;
    }
    Instant now = now();
    OtaUpdate u = new OtaUpdate(id, arnOf(id), description, targets, protocols,
        body.path("targetSelection").asText("SNAPSHOT"), body.get("files"), "CREATE_COMPLETE", jobId,
        registry.arn("job/" + jobId), streamId, expiry, keys, now, now);
    exclusive(out -> {
      catalog.put(u);
      out.save(OtaRows.UPDATES, OtaRows.row(u));
      fileRows.forEach(r -> out.save(OtaRows.FILES, r));
      if (!fileRows.isEmpty()) {
        out.save(OtaRows.SETTINGS, OtaRows.SIGNING_KEY, java.util.HexFormat.of().formatHex(files.signingKey()));
      }
      return null;
    });
    return u;
  }

  /** The stream the files come from: the one they share, or a new {@code AFR_OTA-<uuid>} of their S3 files. */
  private String streamFor(List<OtaFilePlan> plans, int[] fileIds) {
    boolean fromStreams = plans.stream().allMatch(p -> p.streamId() != null);
    if (fromStreams) {
      String s = plans.get(0).streamId();
      if (plans.stream().anyMatch(p -> !p.streamId().equals(s))) {
        throw AwsApiException.invalidRequest("all files of an MQTT update must come from one stream");
      }
      plans.forEach(p -> fileIds[p.index()] = p.streamFileId());
      return s;
    }
    if (plans.stream().anyMatch(p -> p.streamId() != null)) {
      throw AwsApiException.invalidRequest("files must all come from S3 or all from one stream");
    }
    List<StreamFile> sf = new ArrayList<>();
    for (OtaFilePlan p : plans) {
      fileIds[p.index()] = p.index();
      sf.add(new StreamFile(p.index(), p.source(), p.s3()));
    }
    String streamId = "AFR_OTA-" + UUID.randomUUID();
    Instant now = now();
    streams.putStream(new StreamDefinition(streamId, 1, "OTA update files", sf, now, now));
    return streamId;
  }

  /** GetOTAUpdate. */
  public OtaUpdate get(String otaUpdateId) {
    return catalog.find(otaUpdateId).orElseThrow(() -> AwsApiException.notFound("OTA update " + otaUpdateId
        + " does not exist"));
  }

  /**
   * DeleteOTAUpdate: forgets the update and stops serving its HTTP files; with {@code deleteStream} its own stream
   * is deleted; with {@code forceDeleteJob} its job is canceled, also where it runs (the twin has no DeleteJob).
   */
  public void delete(String otaUpdateId, boolean deleteStream, boolean forceDeleteJob) {
    OtaUpdate u = get(otaUpdateId);
    if (forceDeleteJob) {
      try {
        jobs.cancelJob(u.jobId(), true, null, "OTA update deleted");
      } catch (AwsApiException e) {
        // already finished or gone
      }
    }
    if (deleteStream && u.streamId() != null && u.streamId().startsWith("AFR_OTA-")) {
      streams.removeStream(u.streamId());
    }
    if (files != null) {
      u.fileKeys().forEach(files::remove);
    }
    exclusive(out -> {
      catalog.delete(otaUpdateId);
      out.delete(OtaRows.UPDATES, otaUpdateId);
      u.fileKeys().forEach(k -> out.delete(OtaRows.FILES, k));
      return null;
    });
  }

  private Instant now() {
    return context == null ? Instant.now() : context.now();
  }

  private <R> R exclusive(java.util.function.Function<TwinOutbox, R> op) {
    if (context == null) {
      throw new IllegalStateException("the OTA service is not part of a twin yet");
    }
    return context.exclusive(this, op);
  }

  private static List<String> strings(JsonNode n, String field, boolean required) {
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      if (required) {
        throw AwsApiException.invalidRequest(field + " is required");
      }
      return out;
    }
    if (!n.isArray()) {
      throw AwsApiException.invalidRequest(field + " must be a list of strings");
    }
    for (JsonNode v : n) {
      if (!v.isTextual()) {
        throw AwsApiException.invalidRequest(field + " must be a list of strings");
      }
      out.add(v.asText());
    }
    if (required && out.isEmpty()) {
      throw AwsApiException.invalidRequest(field + " must not be empty");
    }
    return out;
  }

  @Override
  public StoreSchema schema() {
    return OtaRows.SCHEMA;
  }

  /** Reads the updates back, and gives the file server their files and the key their URLs were signed with. */
  @Override
  public void load(StoreReader store) {
    catalog.clear();
    store.query("SELECT * FROM ota_updates ORDER BY created_at", row -> catalog.put(OtaRows.read(row)));
    if (files != null) {
      store.query("SELECT * FROM ota_files", row -> files.put(row.text("file_key"),
          FileSource.of(Path.of(row.text("path")))));
      store.query("SELECT value FROM ota_settings WHERE name = ?",
          row -> files.useSigningKey(java.util.HexFormat.of().parseHex(row.text("value"))), OtaRows.SIGNING_KEY);
    }
  }
}
