package dev.thingbridge.mqtt.local.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.TestPki;
import dev.thingbridge.twin.server.TwinServer;
import dev.thingbridge.twin.things.ThingsService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.crt.mqtt5.Mqtt5Client;
import software.amazon.awssdk.crt.mqtt5.Mqtt5ClientOptions;
import software.amazon.awssdk.crt.mqtt5.OnAttemptingConnectReturn;
import software.amazon.awssdk.crt.mqtt5.OnConnectionFailureReturn;
import software.amazon.awssdk.crt.mqtt5.OnConnectionSuccessReturn;
import software.amazon.awssdk.crt.mqtt5.OnDisconnectionReturn;
import software.amazon.awssdk.crt.mqtt5.OnStoppedReturn;
import software.amazon.awssdk.crt.mqtt5.PublishReturn;
import software.amazon.awssdk.crt.mqtt5.QOS;
import software.amazon.awssdk.crt.mqtt5.packets.DisconnectPacket;
import software.amazon.awssdk.crt.mqtt5.packets.PublishPacket;
import software.amazon.awssdk.crt.mqtt5.packets.SubscribePacket;
import software.amazon.awssdk.iot.AwsIotMqtt5ClientBuilder;

/**
 * The AWS IoT device SDK 1.30.1's MQTT 5 client, built the way a device builds it for AWS IoT Core
 * ({@code AwsIotMqtt5ClientBuilder} with mutual TLS from PEM files and its AWS IoT Core defaults), attached to
 * the server with the local twin on the bus: a shadow update gets the twin's answer, and a second device with
 * the same client id takes the session over.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MqttServerDeviceSdkTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private LocalBroker bus;
  private MqttServer server;
  private MqttClient twinClient;
  private TwinServer twin;
  private TestPki pki;
  private final List<AutoCloseable> devices = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    bus = new LocalBroker();
    twinClient = bus.connect("thingbridge-twin");
    twin = TwinServer.start(twinClient, TwinServer.Options.defaults());
    twin.twin().service(ThingsService.class).createThing("sdk-dev");
    pki = TestPki.create(dir.resolve("pki"));
    server = MqttServer.start(bus, MqttServerOptions.builder().port(0)
        .tls(ServerTls.fromPem(pki.serverCertificateFile(), pki.serverKeyFile(), pki.caFile(),
            ServerTls.ClientAuth.REQUIRED)).build());
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable d : devices) {
      d.close();
    }
    server.close();
    twin.close();
    twinClient.close();
  }

  /** A device as the SDK builds it, with what it hears. */
  private final class Device implements AutoCloseable {
    final Mqtt5Client client;
    final CompletableFuture<Void> connected = new CompletableFuture<>();
    final CompletableFuture<Integer> disconnectReason = new CompletableFuture<>();
    final CompletableFuture<Void> stopped = new CompletableFuture<>();
    final BlockingQueue<PublishPacket> received = new LinkedBlockingQueue<>();

    Device(String clientId) {
      TestPki.ClientCredentials credentials = pki.newClient(clientId);
      try (AwsIotMqtt5ClientBuilder builder = AwsIotMqtt5ClientBuilder.newDirectMqttBuilderWithMtlsFromPath(
          "127.0.0.1", credentials.certificate().toString(), credentials.privateKey().toString())) {
        builder.withPort((long) server.port())
            .withCertificateAuthorityFromPath(null, pki.caFile().toString())
            .withClientId(clientId)
            .withKeepAliveIntervalSeconds(30L)
            .withLifeCycleEvents(new Mqtt5ClientOptions.LifecycleEvents() {
              @Override
              public void onAttemptingConnect(Mqtt5Client c, OnAttemptingConnectReturn r) {}

              @Override
              public void onConnectionSuccess(Mqtt5Client c, OnConnectionSuccessReturn r) {
                connected.complete(null);
              }

              @Override
              public void onConnectionFailure(Mqtt5Client c, OnConnectionFailureReturn r) {}

              @Override
              public void onDisconnection(Mqtt5Client c, OnDisconnectionReturn r) {
                DisconnectPacket p = r.getDisconnectPacket();
                if (p != null) {
                  disconnectReason.complete(p.getReasonCode().getValue());
                }
              }

              @Override
              public void onStopped(Mqtt5Client c, OnStoppedReturn r) {
                stopped.complete(null);
              }
            })
            .withPublishEvents((c, r) -> received.add(r.getPublishPacket()));
        client = builder.build();
      }
      client.start();
      devices.add(this);
    }

    PublishPacket next() throws InterruptedException {
      PublishPacket p = received.poll(20, TimeUnit.SECONDS);
      assertThat(p).as("a message within 20 s").isNotNull();
      return p;
    }

    @Override
    public void close() throws Exception {
      client.stop();
      stopped.get(10, TimeUnit.SECONDS);
      client.close();
    }
  }

  @Test
  void a_device_built_for_aws_iot_updates_its_shadow_through_the_twin() throws Exception {
    Device device = new Device("sdk-dev");
    device.connected.get(20, TimeUnit.SECONDS);
    device.client.subscribe(new SubscribePacket.SubscribePacketBuilder()
        .withSubscription("$aws/things/sdk-dev/shadow/update/+", QOS.AT_LEAST_ONCE).build()).get(20, TimeUnit.SECONDS);
    byte[] update = "{\"state\":{\"reported\":{\"on\":true}},\"clientToken\":\"t-1\"}".getBytes(StandardCharsets.UTF_8);
    device.client.publish(new PublishPacket.PublishPacketBuilder("$aws/things/sdk-dev/shadow/update",
        QOS.AT_LEAST_ONCE, update).build()).get(20, TimeUnit.SECONDS);

    PublishPacket accepted = device.next();
    assertThat(accepted.getTopic()).isEqualTo("$aws/things/sdk-dev/shadow/update/accepted");
    JsonNode body = JSON.readTree(accepted.getPayload());
    assertThat(body.path("clientToken").asText()).isEqualTo("t-1");
    assertThat(body.path("state").path("reported").path("on").asBoolean()).isTrue();
    assertThat(body.path("version").asInt()).isEqualTo(1);
  }

  @Test
  void a_second_device_with_the_same_client_id_takes_the_session_over() throws Exception {
    Device first = new Device("twin-id");
    first.connected.get(20, TimeUnit.SECONDS);
    Device second = new Device("twin-id");
    second.connected.get(20, TimeUnit.SECONDS);
    assertThat(first.disconnectReason.get(20, TimeUnit.SECONDS))
        .isEqualTo(DisconnectPacket.DisconnectReasonCode.SESSION_TAKEN_OVER.getValue());
    first.client.stop(); // or the two would take the id from each other for ever, as on AWS IoT
  }
}
