package dev.thingbridge.twin.shadows;

import static dev.thingbridge.twin.shadows.ShadowTwinFixture.T0;
import static dev.thingbridge.twin.shadows.ShadowTwinFixture.assertJson;
import static dev.thingbridge.twin.shadows.ShadowTwinFixture.next;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.twin.TwinLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented shadow exchanges (aws-protocols.md §1), device and twin on the in-process bus: each request
 * and reply example, and every rejection code.
 */
class ShadowServiceConformanceTest {
  private static final String LAMP = "$aws/things/lamp/shadow";
  private ShadowTwinFixture f;

  private ShadowTwinFixture fixture(TwinLimits limits, ShadowSettings settings) throws Exception {
    f = new ShadowTwinFixture(limits, settings, null);
    return f;
  }

  @AfterEach
  void close() {
    if (f != null) {
      f.close();
    }
  }

  private void raiseVersionTo(int version) throws Exception {
    for (int i = 0; i < version; i++) {
      f.service.update("lamp", null, ShadowTwinFixture.json("{\"state\":{\"reported\":{\"engine\":\"OFF\"}}}"));
    }
  }

  @Test
  void update_is_accepted_with_the_echoed_state_metadata_version_and_token_and_documents_follow() throws Exception {
    fixture(TwinLimits.AWS, ShadowSettings.DEFAULTS);
    raiseVersionTo(7);
    f.clock.advance(Duration.ofSeconds(100));
    Subscription replies = f.subscribe(LAMP + "/update/+");

    f.publish(LAMP + "/update", "{ \"state\": { \"reported\": { \"color\": { \"r\": 10 }, \"engine\": \"ON\" } },"
        + " \"clientToken\": \"c0ffee-1\", \"version\": 7 }");

    long t = T0 + 100;
    assertJson(next(replies, LAMP + "/update/accepted"), "{ \"state\": { \"reported\": { \"color\": { \"r\": 10 },"
        + " \"engine\": \"ON\" } }, \"metadata\": { \"reported\": { \"color\": { \"r\": { \"timestamp\": " + t
        + " } }, \"engine\": { \"timestamp\": " + t + " } } }, \"version\": 8, \"timestamp\": " + t
        + ", \"clientToken\": \"c0ffee-1\" }");
    assertJson(next(replies, LAMP + "/update/documents"), "{ \"previous\": { \"state\": { \"reported\": {"
        + " \"engine\": \"OFF\" } }, \"metadata\": { \"reported\": { \"engine\": { \"timestamp\": " + T0
        + " } } }, \"version\": 7 }, \"current\": { \"state\": { \"reported\": { \"engine\": \"ON\", \"color\": {"
        + " \"r\": 10 } } }, \"metadata\": { \"reported\": { \"engine\": { \"timestamp\": " + t + " },"
        + " \"color\": { \"r\": { \"timestamp\": " + t + " } } } }, \"version\": 8 }, \"timestamp\": " + t
        + ", \"clientToken\": \"c0ffee-1\" }");
  }

  @Test
  void get_answers_the_full_document_with_its_delta() throws Exception {
    fixture(TwinLimits.AWS, ShadowSettings.DEFAULTS);
    Subscription replies = f.subscribe(LAMP + "/get/+");
    Subscription accepted = f.subscribe(LAMP + "/update/accepted");
    f.publish(LAMP + "/update", "{\"state\":{\"desired\":{\"color\":\"RED\",\"mode\":\"STOP\"}}}");
    next(accepted, LAMP + "/update/accepted");
    f.clock.advance(Duration.ofSeconds(50));
    f.publish(LAMP + "/update", "{\"state\":{\"reported\":{\"color\":\"GREEN\",\"engine\":\"ON\"}}}");
    next(accepted, LAMP + "/update/accepted");
    f.clock.advance(Duration.ofSeconds(150));

    f.publish(LAMP + "/get", "{\"clientToken\":\"get-42\"}");

    assertJson(next(replies, LAMP + "/get/accepted"), "{ \"state\": { \"desired\": { \"color\": \"RED\","
        + " \"mode\": \"STOP\" }, \"reported\": { \"color\": \"GREEN\", \"engine\": \"ON\" }, \"delta\": {"
        + " \"color\": \"RED\", \"mode\": \"STOP\" } }, \"metadata\": { \"desired\": { \"color\": { \"timestamp\": "
        + T0 + " }, \"mode\": { \"timestamp\": " + T0 + " } }, \"reported\": { \"color\": { \"timestamp\": "
        + (T0 + 50) + " }, \"engine\": { \"timestamp\": " + (T0 + 50) + " } } }, \"version\": 2,"
        + " \"timestamp\": " + (T0 + 200) + ", \"clientToken\": \"get-42\" }");

    f.publish(LAMP + "/get", "");
    JsonNode noToken = next(replies, LAMP + "/get/accepted");
    assertThat(noToken.has("clientToken")).isFalse();
  }

  @Test
  void a_desired_update_sends_the_delta_to_the_device() throws Exception {
    fixture(TwinLimits.AWS, ShadowSettings.DEFAULTS);
    Subscription delta = f.subscribe(LAMP + "/update/delta");
    f.publish(LAMP + "/update", "{\"state\":{\"desired\":{\"color\":\"RED\",\"mode\":\"STOP\"}},"
        + "\"clientToken\":\"app-9\"}");
    assertJson(next(delta, LAMP + "/update/delta"), "{ \"state\": { \"color\": \"RED\", \"mode\": \"STOP\" },"
        + " \"metadata\": { \"color\": { \"timestamp\": " + T0 + " }, \"mode\": { \"timestamp\": " + T0 + " } },"
        + " \"version\": 1, \"timestamp\": " + T0 + ", \"clientToken\": \"app-9\" }");

    // The device reports what it was asked for: the delta is gone and nothing more is published on it.
    f.publish(LAMP + "/update", "{\"state\":{\"reported\":{\"color\":\"RED\",\"mode\":\"STOP\"}}}");
    f.publish(LAMP + "/update", "{\"state\":{\"desired\":{\"color\":\"BLUE\"}}}");
    assertJson(next(delta, LAMP + "/update/delta").get("state"), "{\"color\":\"BLUE\"}");
  }

  @Test
  void delete_is_accepted_then_the_shadow_is_gone_and_comes_back_with_the_next_version() throws Exception {
    fixture(TwinLimits.AWS, ShadowSettings.DEFAULTS);
    raiseVersionTo(4);
    Subscription replies = f.subscribe(LAMP + "/+/+");
    f.publish(LAMP + "/delete", "{\"clientToken\":\"del-1\"}");
    assertJson(next(replies, LAMP + "/delete/accepted"),
        "{ \"version\": 4, \"timestamp\": " + T0 + ", \"clientToken\": \"del-1\" }");

    f.publish(LAMP + "/get", "{\"clientToken\":\"g\"}");
    assertJson(next(replies, LAMP + "/get/rejected"), "{\"code\":404,\"message\":\"No shadow exists with name: ''\","
        + "\"timestamp\":" + T0 + ",\"clientToken\":\"g\"}");
    f.publish(LAMP + "/delete", "");
    assertThat(next(replies, LAMP + "/delete/rejected").get("code").asInt()).isEqualTo(404);

    f.publish(LAMP + "/update", "{\"state\":{\"reported\":{\"engine\":\"ON\"}}}");
    assertThat(next(replies, LAMP + "/update/accepted").get("version").asLong()).isEqualTo(5);
  }

  @Test
  void named_shadows_have_their_own_topics_documents_and_not_found_message() throws Exception {
    fixture(TwinLimits.AWS, ShadowSettings.DEFAULTS);
    String named = LAMP + "/name/Limits";
    Subscription replies = f.subscribe(named + "/+/+");
    f.publish(named + "/get", "{\"clientToken\":\"n1\"}");
    assertJson(next(replies, named + "/get/rejected"), "{\"code\":404,\"message\":\"No shadow exists with name:"
        + " 'Limits'\",\"timestamp\":" + T0 + ",\"clientToken\":\"n1\"}");
    f.publish(named + "/update", "{\"state\":{\"reported\":{\"max\":3}}}");
    assertThat(next(replies, named + "/update/accepted").get("version").asLong()).isEqualTo(1);
    assertThat(f.service.listNamedShadows("lamp")).containsExactly("Limits");
    assertThat(f.service.get("lamp", "Limits").at("/state/reported/max").asInt()).isEqualTo(3);
  }

  @Test
  void every_rejection_is_published_with_its_code_message_and_token() throws Exception {
    fixture(TwinLimits.AWS, ShadowSettings.DEFAULTS);
    Subscription rejected = f.subscribe(LAMP + "/update/rejected");
    String[][] cases = {
        {"{nope", "400", "Invalid JSON"},
        {"{\"clientToken\":\"t\"}", "400", "Missing required node: state"},
        {"{\"state\":[],\"clientToken\":\"t\"}", "400", "State node must be an object"},
        {"{\"state\":{\"desired\":1},\"clientToken\":\"t\"}", "400", "Desired node must be an object"},
        {"{\"state\":{\"reported\":true},\"clientToken\":\"t\"}", "400", "Reported node must be an object"},
        {"{\"state\":{},\"version\":\"x\",\"clientToken\":\"t\"}", "400", "Invalid version"},
        {"{\"state\":{\"delta\":{}},\"clientToken\":\"t\"}", "400", "State contains an invalid node: 'delta'"},
        {"{\"state\":{\"desired\":{\"1\":{\"2\":{\"3\":{\"4\":{\"5\":{\"6\":{}}}}}}}},\"clientToken\":\"t\"}", "400",
            "JSON contains too many levels of nesting; maximum is 6"},
        {"{\"state\":{\"reported\":{\"a\":1}},\"version\":3,\"clientToken\":\"t\"}", "409", "Version conflict"},
        {"{\"state\":{\"reported\":{\"a\":\"" + "x".repeat(8200) + "\"}},\"clientToken\":\"t\"}", "413",
            "The payload exceeds the maximum size allowed"},
    };
    for (String[] c : cases) {
      f.publish(LAMP + "/update", c[0]);
      JsonNode reply = next(rejected, LAMP + "/update/rejected");
      assertThat(reply.get("code").asInt()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
      assertThat(reply.get("message").asText()).isEqualTo(c[2]);
      assertThat(reply.get("timestamp").asLong()).isEqualTo(T0);
      assertThat(reply.path("clientToken").asText(null)).isEqualTo(c[0].contains("\"t\"") ? "t" : null);
    }
    f.publish(LAMP + "/update", "{\"state\":{},\"clientToken\":\"" + "x".repeat(65) + "\"}");
    assertJson(next(rejected, LAMP + "/update/rejected"),
        "{\"code\":400,\"message\":\"Invalid clientToken\",\"timestamp\":" + T0 + "}");
    f.publish(LAMP + "/update", "{\"state\":{}}".getBytes(StandardCharsets.UTF_16));
    assertThat(next(rejected, LAMP + "/update/rejected").get("code").asInt()).isEqualTo(415);
    try (var big = f.broker.connect("big-device", new dev.thingbridge.mqtt.MqttLimits(1 << 20, 256))) {
      big.publish(LAMP + "/update", new byte[128 * 1024 + 1], dev.thingbridge.mqtt.QoS.AT_LEAST_ONCE, false)
          .get(5, java.util.concurrent.TimeUnit.SECONDS);
    }
    assertThat(next(rejected, LAMP + "/update/rejected").get("code").asInt()).isEqualTo(413);
  }

  @Test
  void policy_denials_answer_401_and_403_and_an_internal_failure_answers_500_while_others_are_served()
      throws Exception {
    fixture(TwinLimits.AWS, ShadowSettings.builder().accessPolicy((thing, shadow, op) -> switch (thing) {
      case "stranger" -> ShadowAccessPolicy.Decision.UNAUTHORIZED;
      case "other" -> ShadowAccessPolicy.Decision.FORBIDDEN;
      case "broken" -> throw new IllegalStateException("policy store down");
      default -> ShadowAccessPolicy.Decision.ALLOW;
    }).build());
    Subscription replies = f.subscribe("$aws/things/+/shadow/get/rejected");
    f.publish("$aws/things/stranger/shadow/get", "");
    assertThat(next(replies, "$aws/things/stranger/shadow/get/rejected").get("message").asText())
        .isEqualTo("Unauthorized");
    f.publish("$aws/things/other/shadow/get", "");
    assertThat(next(replies, "$aws/things/other/shadow/get/rejected").get("code").asInt()).isEqualTo(403);
    f.publish("$aws/things/broken/shadow/get", "");
    assertJson(next(replies, "$aws/things/broken/shadow/get/rejected"),
        "{\"code\":500,\"message\":\"Internal service failure\",\"timestamp\":" + T0 + "}");
    f.publish("$aws/things/lamp/shadow/get", "");
    assertThat(next(replies, "$aws/things/lamp/shadow/get/rejected").get("code").asInt()).isEqualTo(404);
  }

  @Test
  void with_aws_limits_a_thing_is_throttled_at_20_requests_a_second_and_relaxed_limits_never_throttle()
      throws Exception {
    fixture(TwinLimits.AWS, ShadowSettings.DEFAULTS);
    Subscription replies = f.subscribe(LAMP + "/get/+");
    for (int i = 0; i < 20; i++) {
      f.publish(LAMP + "/get", "");
      assertThat(next(replies, LAMP + "/get/rejected").get("code").asInt()).isEqualTo(404);
    }
    f.publish(LAMP + "/get", "{\"clientToken\":\"21\"}");
    assertThat(next(replies, LAMP + "/get/rejected").get("code").asInt()).isEqualTo(429);
    f.clock.advance(Duration.ofSeconds(1));
    f.publish(LAMP + "/get", "");
    assertThat(next(replies, LAMP + "/get/rejected").get("code").asInt()).isEqualTo(404);
    f.close();

    fixture(TwinLimits.RELAXED, ShadowSettings.DEFAULTS);
    Subscription relaxed = f.subscribe(LAMP + "/update/+");
    for (int i = 0; i < 30; i++) {
      f.publish(LAMP + "/update", "{\"state\":{\"reported\":{\"i\":" + i + "}}}");
      next(relaxed, LAMP + "/update/accepted");
      next(relaxed, LAMP + "/update/documents");
    }
    f.publish(LAMP + "/update", "{\"state\":{\"reported\":{\"a\":\"" + "x".repeat(8200) + "\"},"
        + "\"desired\":{\"1\":{\"2\":{\"3\":{\"4\":{\"5\":{\"6\":{}}}}}}}}}");
    assertThat(next(relaxed, LAMP + "/update/accepted").get("version").asLong()).isEqualTo(31);
  }

  @Test
  void messages_on_other_shadow_topics_or_with_bad_names_get_no_answer_and_serving_goes_on() throws Exception {
    fixture(TwinLimits.AWS, ShadowSettings.DEFAULTS);
    Subscription everything = f.subscribe("$aws/things/+/shadow/#");
    f.publish("$aws/things/bad.name/shadow/update", "{\"state\":{}}");
    f.publish(LAMP + "/update/accepted", "{\"state\":{}}");
    f.publish(LAMP + "/bogus", "{}");
    f.publish(LAMP + "/name/x/y/update", "{}");
    f.publish(LAMP + "/get", "{\"clientToken\":\"after\"}");
    // The device hears its own publishes too (no No Local); the first reply must be the get's.
    JsonNode reply = null;
    for (int i = 0; i < 6 && reply == null; i++) {
      var m = everything.next(ShadowTwinFixture.WAIT);
      if (m.topic().endsWith("/get/rejected")) {
        reply = ShadowTwinFixture.json(m.payloadAsString());
      } else {
        assertThat(m.topic()).isIn("$aws/things/bad.name/shadow/update", LAMP + "/update/accepted",
            LAMP + "/bogus", LAMP + "/name/x/y/update", LAMP + "/get");
      }
    }
    assertThat(reply).isNotNull();
    assertThat(reply.get("clientToken").asText()).isEqualTo("after");
  }

  @Test
  void shadows_and_versions_survive_a_restart_with_a_state_dir(@TempDir Path dir) throws Exception {
    f = new ShadowTwinFixture(TwinLimits.AWS, ShadowSettings.DEFAULTS, dir);
    f.publish(LAMP + "/update", "{\"state\":{\"desired\":{\"a\":1.50}}}");
    f.publish(LAMP + "/name/cfg/update", "{\"state\":{\"reported\":{\"b\":[1,2]}}}");
    f.publish(LAMP + "/name/cfg/update", "{\"state\":{\"reported\":{\"b\":[3]}}}");
    f.publish("$aws/things/gone/shadow/update", "{\"state\":{\"reported\":{}}}");
    f.publish("$aws/things/gone/shadow/delete", "");
    // The twin handles requests asynchronously: wait until the last one is answered.
    org.awaitility.Awaitility.await().atMost(ShadowTwinFixture.WAIT).until(() -> {
      try {
        f.service.get("gone", null);
        return false;
      } catch (ShadowServiceException e) {
        return e.code() == 404;
      }
    });
    JsonNode before = f.service.get("lamp", "cfg");

    f.restart(TwinLimits.AWS, ShadowSettings.DEFAULTS, dir);
    assertThat(f.service.get("lamp", null).at("/state/desired/a").decimalValue()).isEqualByComparingTo("1.50");
    JsonNode after = f.service.get("lamp", "cfg");
    assertThat(after.get("state")).isEqualTo(before.get("state"));
    assertThat(after.get("version").asLong()).isEqualTo(2);
    assertThat(f.service.update("gone", null, ShadowTwinFixture.json("{\"state\":{}}")).get("version").asLong())
        .isEqualTo(2);
  }
}
