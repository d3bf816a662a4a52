package dev.thingbridge.shadows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.shadows.schema.ShadowSchema;
import dev.thingbridge.shadows.schema.spec.DefaultValue;
import dev.thingbridge.shadows.store.InMemoryKeyValueStore;
import dev.thingbridge.shadows.store.ShadowStateStore;
import dev.thingbridge.twin.server.TwinServer;
import dev.thingbridge.twin.shadows.ShadowsService;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iotdataplane.IotDataPlaneClient;

/**
 * The twin (shadows, HTTP API on a free loopback port) on one MQTT client, a gateway thing {@value #THING} on
 * another, the AWS SDK's data-plane client pointed at the twin, and helpers to build managers of {@link Mcu}
 * shadows named {@code mcu-<id>}.
 */
final class ManagerRig implements AutoCloseable {
  static final String THING = "gw-1";
  static final String PREFIX = "mcu-";
  static final Duration WAIT = Duration.ofSeconds(20);
  static final ObjectMapper JSON = new ObjectMapper();

  /** One MCU's configuration, as the gateway keeps it. */
  record Mcu(@DefaultValue("1000") int periodMs, boolean enabled, Map<String, Integer> limits) {}

  /** How the twin and the gateway reach each other. */
  interface Transport extends AutoCloseable {
    MqttClient twinSide();

    MqttClient deviceSide();

    /** The broker restarts without sessions: every client reconnects to an empty session. */
    void restartBrokerWithoutSessions(Runnable whileDown) throws Exception;

    @Override
    void close() throws Exception;

    /** Twin and gateway on one in-process bus; a restart stops and starts the bus without sessions. */
    static Transport onBus(LocalBroker broker) {
      MqttClient twin = broker.connect("twin");
      MqttClient device = broker.connect(THING);
      return new Transport() {
        @Override
        public MqttClient twinSide() {
          return twin;
        }

        @Override
        public MqttClient deviceSide() {
          return device;
        }

        @Override
        public void restartBrokerWithoutSessions(Runnable whileDown) {
          broker.stop();
          whileDown.run();
          broker.start(false);
        }

        @Override
        public void close() {
          device.close();
          twin.close();
        }
      };
    }
  }

  final Transport transport;
  /** The gateway's client, which can go offline while the broker and the twin carry on. */
  final ObservedClient device;
  final TwinServer twin;
  final ShadowsService cloud;
  final URI api;
  final IotDataPlaneClient sdk;
  final InMemoryKeyValueStore store = new InMemoryKeyValueStore();
  final RecordingManagerListener<Mcu> listener = new RecordingManagerListener<>();

  ManagerRig(Transport transport) throws Exception {
    this.transport = transport;
    this.device = new ObservedClient(transport.deviceSide());
    this.twin = TwinServer.start(transport.twinSide(),
        TwinServer.Options.defaults().withApi(InetAddress.getLoopbackAddress(), 0));
    this.cloud = twin.twin().service(ShadowsService.class);
    this.api = twin.controlPlane().orElseThrow().endpoint();
    this.sdk = IotDataPlaneClient.builder()
        .endpointOverride(api)
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials())
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret"));
  }

  /** A manager of {@code mcu-*} shadows with fast pacing (the twin is relaxed) and no resync jitter. */
  ShadowManager.Builder<Mcu> manager() {
    return ShadowManager.builder(device, Mcu.class, PREFIX)
        .thingName(THING)
        .store(store)
        .listener(listener)
        .requestRate(5_000, 64)
        .requestTimeout(Duration.ofSeconds(3))
        .resyncJitter(Duration.ZERO);
  }

  /** Discovery through the AWS SDK against the twin's HTTP API. */
  IotDataShadowDiscovery discovery() {
    return IotDataShadowDiscovery.builder().endpoint(api).region("us-east-1").credentials(credentials()).build();
  }

  /** Sets desired through the twin's HTTP API with the SDK, as a cloud application would. */
  void setDesired(String shadowName, String desiredJson) {
    sdk.updateThingShadow(b -> b.thingName(THING).shadowName(shadowName).payload(SdkBytes.fromString(
        "{\"state\":{\"desired\":" + desiredJson + "},\"clientToken\":\"app\"}", StandardCharsets.UTF_8)));
  }

  /** The cloud document through the SDK's GetThingShadow. */
  JsonNode document(String shadowName) throws Exception {
    return JSON.readTree(sdk.getThingShadow(b -> b.thingName(THING).shadowName(shadowName)).payload()
        .asUtf8String());
  }

  /** Creates a shadow in the cloud with equal desired and reported. */
  void createInCloud(String shadowName, String stateJson) {
    cloud.update(THING, shadowName, ("{\"state\":{\"desired\":" + stateJson + ",\"reported\":" + stateJson + "}}")
        .getBytes(StandardCharsets.UTF_8));
  }

  /** What a fresh load of the store holds for a shadow (proves it was persisted). */
  Mcu persisted(String shadowName) {
    ShadowStateStore<Mcu> s = ShadowStateStore.open(store, ShadowStateStore.scopeOf(THING, shadowName),
        ShadowSchema.of(Mcu.class));
    s.load();
    return s.state();
  }

  @Override
  public void close() throws Exception {
    sdk.close();
    twin.close();
    transport.close();
  }
}
