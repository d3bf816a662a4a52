package dev.thingbridge.shadows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.shadows.AgentModels.Device;
import dev.thingbridge.shadows.AgentModels.SettingsV1;
import dev.thingbridge.shadows.AgentModels.SettingsV2;
import dev.thingbridge.shadows.schema.ShadowSchema;
import dev.thingbridge.shadows.store.CommitResult;
import dev.thingbridge.shadows.store.FileKeyValueStore;
import dev.thingbridge.shadows.store.LoadResult;
import dev.thingbridge.shadows.store.ShadowStateStore;
import dev.thingbridge.twin.server.TwinServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iotdataplane.IotDataPlaneClient;

/**
 * The end-to-end scenarios: a device shadow against the twin, the cloud driven through the twin's HTTP
 * API with the AWS SDK's {@code IotDataPlaneClient}. Each subclass runs them over one transport.
 */
abstract class ShadowEndToEndScenarios {
  static final String THING = "e2e-thing";
  private static final Duration WAIT = Duration.ofSeconds(15);

  /** Where the twin and the device meet, and how the device loses its network. */
  interface Setup extends AutoCloseable {
    /** The twin's client (connected). */
    MqttClient cloudClient() throws Exception;

    /** The device's client; with {@code keepSession} the broker keeps its session while it is offline. */
    MqttClient deviceClient(String clientId, boolean keepSession) throws Exception;

    /** Whether the broker queues QoS 1 messages for an offline device whose session it keeps. */
    boolean queuesWhileOffline();

    void deviceOffline() throws Exception;

    void deviceOnline() throws Exception;
  }

  @TempDir Path dir;
  private Setup setup;
  private TwinServer twin;
  private IotDataPlaneClient http;
  private FileKeyValueStore store;

  abstract Setup createSetup(Path dir) throws Exception;

  private void start() throws Exception {
    setup = createSetup(dir.resolve("net"));
    twin = TwinServer.start(setup.cloudClient(),
        TwinServer.Options.defaults().withApi(InetAddress.getLoopbackAddress(), 0));
    http = IotDataPlaneClient.builder()
        .endpointOverride(twin.controlPlane().orElseThrow().endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
    store = FileKeyValueStore.open(dir.resolve("device-state"));
  }

  @AfterEach
  void stop() throws Exception {
    if (store != null) {
      store.close();
    }
    if (http != null) {
      http.close();
    }
    if (setup != null) {
      setup.close(); // devices first, then the cloud side
    }
    if (twin != null) {
      twin.close();
    }
  }

  private <S> Shadow<S> shadow(MqttClient device, ShadowSchema<S> schema, ShadowOptions options) {
    return Shadow.builder(device, THING, schema, store).options(options).build();
  }

  private void desired(String json) {
    http.updateThingShadow(b -> b.thingName(THING)
        .payload(SdkBytes.fromString("{\"state\":{\"desired\":" + json + "}}", StandardCharsets.UTF_8)));
  }

  private JsonNode cloudDocument() {
    return AgentRig.json(http.getThingShadow(b -> b.thingName(THING)).payload().asUtf8String());
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void first_boot_creates_the_document_with_the_full_local_state() throws Exception {
    start();
    try (Shadow<Device> shadow = shadow(setup.deviceClient(THING, false), AgentModels.SCHEMA,
        ShadowOptions.defaults())) {
      assertThat(get(shadow.load()).firstBoot()).isTrue();
      get(shadow.sync());

      JsonNode doc = cloudDocument();
      assertThat(doc.at("/state/desired/inner/value").isInt()).isTrue();
      assertThat(doc.at("/state/reported/adjacent/mode").asText()).isEqualTo("mode_a");
      assertThat(doc.at("/state/delta").isMissingNode()).isTrue();
    }
  }

  @Test
  void a_desired_change_made_through_the_http_api_is_applied_persisted_and_acknowledged() throws Exception {
    start();
    try (Shadow<Device> shadow = shadow(setup.deviceClient(THING, false), AgentModels.SCHEMA,
        ShadowOptions.defaults())) {
      get(shadow.sync());

      desired("{\"count\":42,\"ports\":{\"p1\":10}}");
      DeltaEvent<Device> event = get(shadow.nextDelta(WAIT));
      get(event.acknowledged());

      assertThat(event.state().count()).isEqualTo(42);
      assertThat(event.state().ports()).containsEntry("p1", 10);
      assertThat(cloudDocument().at("/state/delta").isMissingNode()).as("the cloud's delta is empty").isTrue();
      assertThat(cloudDocument().at("/state/reported/count").asInt()).isEqualTo(42);
    }
    ShadowStateStore<Device> persisted = ShadowStateStore.open(store, ShadowStateStore.scopeOf(THING, null),
        AgentModels.SCHEMA);
    persisted.load();
    assertThat(persisted.state().count()).isEqualTo(42);
  }

  @Test
  void a_delta_sent_while_the_device_is_offline_arrives_after_reconnect_with_a_kept_session() throws Exception {
    start();
    // Where the broker queues for the kept session, no GET on reconnect: the session alone must deliver.
    ShadowOptions options = ShadowOptions.builder().resyncOnReconnect(!setup.queuesWhileOffline()).build();
    try (Shadow<Device> shadow = shadow(setup.deviceClient(THING, true), AgentModels.SCHEMA, options)) {
      get(shadow.sync());

      setup.deviceOffline();
      desired("{\"count\":7}");
      setup.deviceOnline();

      assertThat(get(shadow.nextDelta(WAIT)).state().count()).isEqualTo(7);
      await().atMost(WAIT).until(() -> cloudDocument().at("/state/delta").isMissingNode());
    }
  }

  @Test
  void a_delta_sent_while_the_device_is_offline_arrives_after_reconnect_without_a_kept_session() throws Exception {
    start();
    try (Shadow<Device> shadow = shadow(setup.deviceClient(THING, false), AgentModels.SCHEMA,
        ShadowOptions.defaults())) {
      get(shadow.sync());

      setup.deviceOffline();
      desired("{\"count\":8}");
      setup.deviceOnline();

      assertThat(get(shadow.nextDelta(WAIT)).state().count()).isEqualTo(8);
      await().atMost(WAIT).until(() -> cloudDocument().at("/state/delta").isMissingNode());
    }
  }

  @Test
  void a_concurrent_cloud_update_causes_a_409_that_is_resolved_without_losing_either_change() throws Exception {
    start();
    try (Shadow<Device> shadow = shadow(setup.deviceClient(THING, false), AgentModels.SCHEMA,
        ShadowOptions.builder().optimisticLocking(true).build())) {
      get(shadow.sync());
      AtomicInteger attempts = new AtomicInteger();

      Device after = get(shadow.updateDesired(d -> {
        if (attempts.incrementAndGet() == 1) {
          desired("{\"active\":true}"); // lands between the device's read and its write
        }
        return d.withCount(d.count() + 5);
      }));

      assertThat(attempts.get()).isEqualTo(2);
      assertThat(after.active()).isTrue();
      assertThat(after.count()).isEqualTo(5);
      JsonNode doc = cloudDocument();
      assertThat(doc.at("/state/desired/active").asBoolean()).isTrue();
      assertThat(doc.at("/state/desired/count").asInt()).isEqualTo(5);
      await().atMost(WAIT).until(() -> cloudDocument().at("/state/delta").isMissingNode());
    }
  }

  @Test
  void a_restart_resumes_from_the_store_and_a_schema_change_migrates_a_renamed_field() throws Exception {
    start();
    MqttClient device = setup.deviceClient(THING, false);
    try (Shadow<SettingsV1> v1 = shadow(device, ShadowSchema.of(SettingsV1.class), ShadowOptions.defaults())) {
      get(v1.sync());
      desired("{\"timeout_ms\":5000,\"level\":2}");
      get(get(v1.nextDelta(WAIT)).acknowledged());
    }

    // New firmware: the field is now timeout_secs, migrated from timeout_ms.
    try (Shadow<SettingsV2> v2 = shadow(device, ShadowSchema.of(SettingsV2.class), ShadowOptions.defaults())) {
      LoadResult boot = get(v2.load());
      assertThat(boot.schemaChanged()).isTrue();
      assertThat(boot.migrated()).isEqualTo(1);
      assertThat(v2.state()).isEqualTo(new SettingsV2(5, 2));
      assertThat(store.keys(ShadowStateStore.scopeOf(THING, null) + "/")).anyMatch(k -> k.endsWith("/timeout_ms"));

      CommitResult commit = get(v2.commit());
      assertThat(commit.removedKeys()).isEqualTo(1);
      assertThat(store.keys(ShadowStateStore.scopeOf(THING, null) + "/")).noneMatch(k -> k.endsWith("/timeout_ms"));

      desired("{\"timeout_secs\":9}");
      assertThat(get(v2.nextDelta(WAIT)).state()).isEqualTo(new SettingsV2(9, 2));
    }
  }
}
