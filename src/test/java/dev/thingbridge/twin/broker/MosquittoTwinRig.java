package dev.thingbridge.twin.broker;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.mqtt.nio.NioMqttClient;
import dev.thingbridge.mqtt.nio.NioMqttOptions;
import dev.thingbridge.testing.ConnectedLatch;
import dev.thingbridge.testing.Mosquitto;
import dev.thingbridge.twin.server.TwinServer;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.crt.io.SocketOptions;
import software.amazon.awssdk.crt.iot.MqttRequestResponseClientOptions;
import software.amazon.awssdk.crt.mqtt5.Mqtt5Client;
import software.amazon.awssdk.crt.mqtt5.Mqtt5ClientOptions;
import software.amazon.awssdk.crt.mqtt5.packets.ConnectPacket;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iot.IotClient;
import software.amazon.awssdk.services.iotdataplane.IotDataPlaneClient;
import software.amazon.awssdk.services.iotjobsdataplane.IotJobsDataPlaneClient;

/**
 * The twin as {@code thingbridge twin} runs it: a real Mosquitto on a free loopback port, the twin attached
 * through the NIO client ({@link NioMqttClient}, what {@code twin} uses for mqtt://) with its HTTP API on a
 * free port, and helpers
 * for what talks to it: plain CRT {@link Mqtt5Client}s for the aws-iot-device-sdk's V2 service clients,
 * thingbridge device clients, and the AWS SDK for Java v2 control-plane clients.
 */
final class MosquittoTwinRig implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);
  static final StaticCredentialsProvider DUMMY_CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "not-a-secret"));

  final Mosquitto broker;
  final MqttClient twinClient;
  final TwinServer twin;
  private final List<AutoCloseable> owned = new ArrayList<>();

  MosquittoTwinRig(Path dir) throws Exception {
    this(dir, TwinServer.Options.defaults(), false);
  }

  /**
   * @param crtTwin attach the twin through the direct aws-crt backend instead, as {@code twin --mqtt-client crt}
   *     and every {@code mqtts://} twin does
   */
  MosquittoTwinRig(Path dir, TwinServer.Options options, boolean crtTwin) throws Exception {
    broker = Mosquitto.plain(dir.resolve("broker"));
    try {
      twinClient = crtTwin
          ? CrtMqttClient.connect(clientOptions("thingbridge-twin"), WAIT)
          : NioMqttClient.connect(NioMqttOptions.from(clientOptions("thingbridge-twin")), WAIT);
      twin = TwinServer.start(twinClient, options.withApi(InetAddress.getLoopbackAddress(), 0));
    } catch (Exception | Error e) {
      broker.close();
      throw e;
    }
  }

  CrtMqttOptions clientOptions(String clientId) {
    return CrtMqttOptions.builder(broker.endpoint(), clientId)
        .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(500))
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** A thingbridge device client on the broker (closed with the rig). */
  MqttClient device(String clientId) throws InterruptedException {
    return own(CrtMqttClient.connect(clientOptions(clientId), WAIT));
  }

  /** A bare CRT MQTT 5 client on the broker, connected, for the device SDK's V2 clients (closed with the rig). */
  Mqtt5Client crtClient(String clientId) throws InterruptedException {
    ConnectedLatch connected = new ConnectedLatch();
    SocketOptions socket = new SocketOptions();
    socket.connectTimeoutMs = 5_000;
    socket.tcpNoDelay = SocketOptions.TcpNoDelay.ON;
    Mqtt5ClientOptions options = new Mqtt5ClientOptions.Mqtt5ClientOptionsBuilder("127.0.0.1", (long) broker.port())
        .withSocketOptions(socket)
        .withConnectOptions(new ConnectPacket.ConnectPacketBuilder().withClientId(clientId)
            .withKeepAliveIntervalSeconds(60L).build())
        .withExtendedValidationAndFlowControlOptions(Mqtt5ClientOptions.ExtendedValidationAndFlowControlOptions.NONE)
        .withLifecycleEvents(connected)
        .build();
    Mqtt5Client client = new Mqtt5Client(options);
    owned.add(() -> {
      client.stop();
      client.close();
    });
    client.start();
    if (!connected.await(WAIT)) {
      throw new IllegalStateException(clientId + " did not connect to mosquitto on port " + broker.port());
    }
    return client;
  }

  /** Options for the device SDK's request-response clients. */
  static MqttRequestResponseClientOptions requestResponseOptions() {
    return MqttRequestResponseClientOptions.builder()
        .withMaxRequestResponseSubscriptions(6)
        .withMaxStreamingSubscriptions(4)
        .withOperationTimeoutSeconds((int) WAIT.toSeconds())
        .build();
  }

  URI api() {
    return twin.controlPlane().orElseThrow().endpoint();
  }

  IotClient iot() {
    return own(IotClient.builder().endpointOverride(api()).region(Region.US_EAST_1)
        .credentialsProvider(DUMMY_CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build());
  }

  IotDataPlaneClient iotData() {
    return own(IotDataPlaneClient.builder().endpointOverride(api()).region(Region.US_EAST_1)
        .credentialsProvider(DUMMY_CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build());
  }

  IotJobsDataPlaneClient iotJobsData() {
    return own(IotJobsDataPlaneClient.builder().endpointOverride(api()).region(Region.US_EAST_1)
        .credentialsProvider(DUMMY_CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build());
  }

  /** Closes {@code resource} with the rig, before the twin and the broker. */
  <T extends AutoCloseable> T own(T resource) {
    owned.add(resource);
    return resource;
  }

  @Override
  public void close() {
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (Exception e) {
        // Keep closing the rest: a failed close must not leave the broker running.
      }
    }
    twin.close();
    twinClient.close();
    broker.close();
  }
}
