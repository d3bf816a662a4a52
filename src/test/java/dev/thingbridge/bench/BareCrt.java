package dev.thingbridge.bench;

import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.testing.ConnectedLatch;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import software.amazon.awssdk.crt.io.SocketOptions;
import software.amazon.awssdk.crt.mqtt5.Mqtt5Client;
import software.amazon.awssdk.crt.mqtt5.Mqtt5ClientOptions;
import software.amazon.awssdk.crt.mqtt5.QOS;
import software.amazon.awssdk.crt.mqtt5.packets.ConnectPacket;
import software.amazon.awssdk.crt.mqtt5.packets.PublishPacket;
import software.amazon.awssdk.crt.mqtt5.packets.SubscribePacket;

/**
 * A bare aws-crt MQTT 5 client for the benchmarks' own processes (load generators, the echo responder): the
 * least a client can cost, so what a benchmark measures is the process under test. Callbacks run on the CRT's
 * event loop.
 */
final class BareCrt implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final Mqtt5Client client;
  private final SocketOptions socket;

  private BareCrt(Mqtt5Client client, SocketOptions socket) {
    this.client = client;
    this.socket = socket;
  }

  /** Connects with a clean session and TCP_NODELAY; {@code onMessage} gets (topic, payload). */
  static BareCrt connect(MqttEndpoint endpoint, String clientId, BiConsumer<String, byte[]> onMessage)
      throws InterruptedException {
    SocketOptions socket = new SocketOptions();
    socket.connectTimeoutMs = 10_000;
    socket.tcpNoDelay = SocketOptions.TcpNoDelay.ON;
    ConnectedLatch connected = new ConnectedLatch();
    Mqtt5ClientOptions options = new Mqtt5ClientOptions.Mqtt5ClientOptionsBuilder(endpoint.host(), (long) endpoint.port())
        .withSocketOptions(socket)
        .withConnectOptions(new ConnectPacket.ConnectPacketBuilder().withClientId(clientId)
            .withKeepAliveIntervalSeconds(60L).build())
        .withSessionBehavior(Mqtt5ClientOptions.ClientSessionBehavior.CLEAN)
        .withExtendedValidationAndFlowControlOptions(Mqtt5ClientOptions.ExtendedValidationAndFlowControlOptions.NONE)
        .withDisableMetrics(true)
        .withLifecycleEvents(connected)
        .withPublishEvents((c, r) -> onMessage.accept(r.getPublishPacket().getTopic(), r.getPublishPacket().getPayload()))
        .build();
    Mqtt5Client client = new Mqtt5Client(options);
    client.start();
    if (!connected.await(WAIT)) {
      client.close();
      throw new IllegalStateException("bare CRT client " + clientId + " did not connect to " + endpoint);
    }
    return new BareCrt(client, socket);
  }

  /** Subscribes (QoS 1) and waits for the SUBACK. */
  BareCrt subscribe(List<String> filters) throws Exception {
    SubscribePacket.SubscribePacketBuilder b = new SubscribePacket.SubscribePacketBuilder();
    filters.forEach(f -> b.withSubscription(f, QOS.AT_LEAST_ONCE));
    client.subscribe(b.build()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    return this;
  }

  /** Publishes with QoS 1 without waiting. */
  void publish(String topic, byte[] payload) {
    client.publish(PublishPacket.of(topic, QOS.AT_LEAST_ONCE, payload));
  }

  @Override
  public void close() {
    client.stop();
    client.close();
    socket.close();
  }
}
