package dev.thingbridge.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.CloudTwin;
import dev.thingbridge.twin.TwinScript.Fault;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The twin's test-facing script: scripted replies, recorded requests and a fault per topic. */
class TwinScriptTest {
  private static final String BASE = "$aws/things/t1/shadow/";
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalBroker broker = new LocalBroker();
  private CloudTwin cloud;
  private MqttClient device;
  private Subscription heard;

  @BeforeEach
  void setUp() throws Exception {
    cloud = new CloudTwin(broker, "t1");
    device = broker.connect("t1");
    heard = device.subscribe(List.of(new SubscriptionFilter(BASE + "#", QoS.AT_LEAST_ONCE, true)))
        .get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() {
    heard.close();
    device.close();
    cloud.close();
  }

  private void send(String operation, String json) throws Exception {
    device.publish(MqttMessage.of(BASE + operation, json, QoS.AT_LEAST_ONCE)).get(5, TimeUnit.SECONDS);
  }

  /** The next message the device hears, which must be on {@code BASE + suffix}. */
  private JsonNode hear(String suffix) throws Exception {
    MqttMessage m = heard.next(WAIT);
    assertThat(m).as("a message on %s", suffix).isNotNull();
    assertThat(m.topic()).as("topic of %s", m.payloadAsString()).isEqualTo(BASE + suffix);
    return JSON.readTree(m.payload());
  }

  @Test
  void a_scripted_reply_answers_the_next_request_once_and_then_the_service_answers_again() throws Exception {
    cloud.script.enqueue(BASE + "get", request -> List.of(MqttMessage.of(BASE + "get/rejected",
        "{\"code\":503,\"message\":\"scripted\",\"clientToken\":\"" + CloudTwin.Request.of(request).token() + "\"}",
        QoS.AT_LEAST_ONCE)));
    send("get", "{\"clientToken\":\"a\"}");
    JsonNode scripted = hear("get/rejected");
    assertThat(scripted.path("code").asInt()).isEqualTo(503);
    assertThat(scripted.path("clientToken").asText()).isEqualTo("a");

    send("get", "{\"clientToken\":\"b\"}");
    JsonNode real = hear("get/rejected");
    assertThat(real.path("code").asInt()).as("the service's own answer: no shadow yet").isEqualTo(404);
    assertThat(real.path("clientToken").asText()).isEqualTo("b");
  }

  @Test
  void await_request_takes_requests_in_arrival_order_and_times_out_when_none_comes() throws Exception {
    send("get", "{\"clientToken\":\"1\"}");
    send("update", "{\"state\":{\"reported\":{\"x\":1}},\"clientToken\":\"2\"}");
    send("get", "{\"clientToken\":\"3\"}");

    assertThat(cloud.awaitRequest(BASE + "get").token()).isEqualTo("1");
    assertThat(cloud.awaitRequest(BASE + "+").token()).isEqualTo("2");
    assertThat(cloud.awaitRequest(BASE + "+").token()).isEqualTo("3");
    assertThatThrownBy(() -> cloud.script.awaitRequest(BASE + "+", Duration.ofMillis(100)))
        .isInstanceOf(TimeoutException.class).hasMessageContaining(BASE + "+");
    assertThat(cloud.requests(BASE + "get")).extracting(CloudTwin.Request::token).containsExactly("1", "3");
  }

  @Test
  void a_dropped_reply_is_lost_but_the_request_still_changed_the_shadow() throws Exception {
    cloud.script.fault(BASE + "update/#", Fault.DROP);
    send("update", "{\"state\":{\"reported\":{\"x\":1}},\"clientToken\":\"lost\"}");
    send("get", "{\"clientToken\":\"after\"}");

    JsonNode document = hear("get/accepted"); // replies keep their order: the update's would have come first
    assertThat(document.path("clientToken").asText()).isEqualTo("after");
    assertThat(document.at("/state/reported/x").asInt()).isEqualTo(1);
  }

  @Test
  void a_silenced_topic_changes_nothing_and_answers_nothing_until_the_fault_is_lifted() throws Exception {
    cloud.script.fault(BASE + "update", Fault.SILENT);
    send("update", "{\"state\":{\"reported\":{\"x\":1}},\"clientToken\":\"ignored\"}");
    send("get", "{\"clientToken\":\"g1\"}");
    assertThat(hear("get/rejected").path("code").asInt()).isEqualTo(404);
    assertThat(cloud.awaitRequest(BASE + "update").token()).as("still recorded").isEqualTo("ignored");

    cloud.script.clearFault(BASE + "update");
    send("update", "{\"state\":{\"reported\":{\"x\":2}},\"clientToken\":\"heard\"}");
    assertThat(hear("update/accepted").path("clientToken").asText()).isEqualTo("heard");
  }

  @Test
  void a_duplicated_topic_delivers_each_reply_twice() throws Exception {
    cloud.script.fault(BASE + "get/#", Fault.DUPLICATE);
    send("get", "{\"clientToken\":\"twice\"}");
    assertThat(hear("get/rejected").path("clientToken").asText()).isEqualTo("twice");
    assertThat(hear("get/rejected").path("clientToken").asText()).isEqualTo("twice");
  }

  @Test
  void a_delayed_topic_delivers_its_replies_no_sooner_than_the_delay() throws Exception {
    Duration delay = Duration.ofMillis(300);
    cloud.script.fault(BASE + "get/#", Fault.delay(delay));
    long start = System.nanoTime();
    send("get", "{\"clientToken\":\"late\"}");
    assertThat(hear("get/rejected").path("clientToken").asText()).isEqualTo("late");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(delay);
  }

  @Test
  void a_fault_refuses_an_invalid_filter_and_a_negative_delay() {
    assertThatThrownBy(() -> cloud.script.fault("a/#/b", Fault.DROP)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Fault.delay(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
  }
}
