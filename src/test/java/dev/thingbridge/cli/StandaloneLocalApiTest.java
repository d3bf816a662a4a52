package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.component.ComponentConfig;
import dev.thingbridge.component.DeviceHost;
import dev.thingbridge.component.localapi.LocalBus;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.crt.CrtMqttClient;
import dev.thingbridge.mqtt.crt.CrtMqttOptions;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.mqtt.local.server.MqttServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code run --local-api-port} outside Greengrass: another process reaches the local API with a plain MQTT client
 * (the real aws-crt client over TCP to the loopback server), on the topics a sibling component uses under
 * Greengrass, and gets answers and coded errors.
 */
@Timeout(60)
class StandaloneLocalApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOOL = "com.example.Tool";

  private final List<AutoCloseable> owned = new ArrayList<>();
  private final LocalBroker cloud = new LocalBroker();
  private MqttClient device;
  private DeviceHost host;
  private MqttClient tool;

  @AfterEach
  void stop() throws Exception {
    if (tool != null) {
      tool.close();
    }
    if (host != null) {
      host.close();
    }
    if (device != null) {
      device.close();
    }
    for (int i = owned.size() - 1; i >= 0; i--) {
      owned.get(i).close();
    }
    cloud.stop();
  }

  private static JsonNode next(Subscription answers, String correlationId) throws Exception {
    for (int i = 0; i < 100; i++) {
      MqttMessage m = answers.next(Duration.ofSeconds(10));
      JsonNode n = JSON.readTree(m.payload());
      if (n.path("correlationId").asText().equals(correlationId)) {
        return n;
      }
    }
    throw new AssertionError("no answer to " + correlationId);
  }

  private void request(String operation, String correlationId) throws Exception {
    tool.publish("thingbridge/" + TOOL + "/" + operation,
        ("{\"correlationId\":\"" + correlationId + "\"}").getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false)
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void another_process_uses_the_local_api_with_a_plain_mqtt_client_on_loopback() throws Exception {
    LocalBus bus = StandaloneLocalApi.start(0, ComponentConfig.DEFAULTS, owned);
    MqttServer server = owned.stream().filter(MqttServer.class::isInstance).map(MqttServer.class::cast)
        .findFirst().orElseThrow();
    device = cloud.connect("gw-1");
    host = DeviceHost.builder(device, "gw-1", ComponentConfig.DEFAULTS).localBus(bus).build();
    host.start();
    tool = CrtMqttClient.start(CrtMqttOptions.builder(new MqttEndpoint("127.0.0.1", server.port(), false), "tool")
        .connectTimeout(Duration.ofSeconds(5)).build());
    Subscription answers = tool.subscribe("thingbridge/" + TOOL + "/response", QoS.AT_LEAST_ONCE)
        .get(10, TimeUnit.SECONDS);

    // The local API subscribes while the host starts: ask until it answers.
    JsonNode status = null;
    for (int attempt = 0; status == null && attempt < 20; attempt++) {
      request("component/status", "status-" + attempt);
      try {
        status = JSON.readTree(answers.next(Duration.ofMillis(500)).payload());
      } catch (MqttTimeoutException notYet) {
        // not subscribed yet
      }
    }
    assertThat(status).as("component/status answered").isNotNull();
    assertThat(status.path("ok").asBoolean()).isTrue();
    assertThat(status.path("result").path("things").toString()).contains("gw-1");

    request("nosuch/operation", "bad-1");
    JsonNode bad = next(answers, "bad-1");
    assertThat(bad.path("ok").asBoolean()).isFalse();
    assertThat(bad.path("error").path("code").asText()).isEqualTo("UNKNOWN_OPERATION");
    assertThat(server.port()).isPositive();
  }
}
