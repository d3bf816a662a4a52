package dev.thingbridge.twin.shadows;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.twin.TwinContext;
import dev.thingbridge.twin.TwinLimits;
import dev.thingbridge.twin.TwinOutbox;
import dev.thingbridge.twin.TwinService;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Shadow requests with random topics and payloads straight into {@link ShadowsService#handle}. Invariants:
 * it never throws; a request topic gets exactly one reply first, on its own accepted or rejected topic, never
 * a 500; a well-formed clientToken is echoed; any other topic gets no answer at all.
 */
class ShadowRequestFuzzTest {
  private static final TwinLimits LIMITS = new TwinLimits(128 * 1024, 100, 512 * 1024, 8 * 1024, 6, false);
  private static final String[] SUFFIXES = {
      "$aws/things/lamp/shadow/update", "$aws/things/lamp/shadow/get", "$aws/things/lamp/shadow/delete",
      "$aws/things/lamp/shadow/name/cfg/update", "$aws/things/lamp/shadow/name/cfg/get",
      "$aws/things/lamp/shadow/name/cfg/delete", "$aws/things/lamp/shadow/update/accepted",
      "$aws/things/la.mp/shadow/update", "$aws/things/lamp/shadow/name//update", "$aws/things/lamp/shadow/",
  };

  private final ShadowsService service = new ShadowsService();

  ShadowRequestFuzzTest() {
    service.attach(new TwinContext() {
      @Override
      public Instant now() {
        return Instant.ofEpochSecond(1_700_000_000L);
      }

      @Override
      public TwinLimits limits() {
        return LIMITS;
      }

      @Override
      public <R> R exclusive(TwinService s, Function<TwinOutbox, R> operation) {
        return operation.apply(m -> {});
      }
    });
  }

  @FuzzTest(maxDuration = "30s")
  void any_topic_and_payload_is_answered_by_the_rules(FuzzedDataProvider data) throws Exception {
    String topic = data.consumeBoolean() ? SUFFIXES[data.consumeInt(0, SUFFIXES.length - 1)]
        : "$aws/things/" + data.consumeString(40);
    check(topic, data.consumeRemainingAsBytes());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 1234, 99_999})
  void seeded_random_garbage_never_breaks_the_service(long seed) throws Exception {
    Random random = new Random(seed);
    String[] fragments = {"{", "}", "[", "]", "\"state\"", "\"desired\"", "\"reported\"", "\"delta\"", ":", ",",
        "null", "1", "-1.5e3", "\"clientToken\"", "\"version\"", "\"t\"", "true", "\"\\u0000\"", "\uD83D\uDE00"};
    for (int i = 0; i < 500; i++) {
      byte[] payload;
      if (random.nextBoolean()) {
        payload = new byte[random.nextInt(64)];
        random.nextBytes(payload);
      } else {
        StringBuilder s = new StringBuilder("{\"state\":{\"desired\":");
        for (int j = random.nextInt(30); j > 0; j--) {
          s.append(fragments[random.nextInt(fragments.length)]);
        }
        if (random.nextBoolean()) {
          s.append("},\"clientToken\":\"tok").append(i).append("\"}");
        }
        payload = s.toString().getBytes(StandardCharsets.UTF_8);
      }
      check(SUFFIXES[random.nextInt(SUFFIXES.length)], payload);
    }
    // Whatever came before, the service still answers a good update.
    List<MqttMessage> out = new ArrayList<>();
    service.handle(MqttMessage.of("$aws/things/ok/shadow/update", "{\"state\":{\"reported\":{\"a\":1}}}",
        QoS.AT_LEAST_ONCE), out::add);
    assertThat(out.get(0).topic()).isEqualTo("$aws/things/ok/shadow/update/accepted");
  }

  private void check(String topic, byte[] payload) throws Exception {
    List<MqttMessage> out = new ArrayList<>();
    MqttMessage request;
    try {
      request = MqttMessage.of(topic, payload, QoS.AT_LEAST_ONCE);
    } catch (RuntimeException e) {
      return;
    }
    service.handle(request, out::add);
    Optional<ShadowServiceTopics.Request> parsed = ShadowServiceTopics.parseRequest(topic);
    if (parsed.isEmpty()) {
      assertThat(out).isEmpty();
      return;
    }
    assertThat(out).isNotEmpty();
    MqttMessage reply = out.get(0);
    assertThat(reply.topic()).isIn(parsed.get().accepted(), parsed.get().rejected());
    JsonNode doc = ShadowJson.parse(reply.payload());
    if (reply.topic().endsWith("/rejected")) {
      assertThat(doc.get("code").asInt()).isBetween(400, 499);
      assertThat(doc.get("message").asText()).isNotEmpty();
    }
    String token = wellFormedToken(payload);
    if (token != null && parsed.get().operation() != ShadowServiceTopics.Operation.DELETE) {
      assertThat(doc.path("clientToken").asText(null)).isEqualTo(token);
    }
  }

  private static String wellFormedToken(byte[] payload) {
    try {
      JsonNode root = ShadowJson.parse(payload);
      JsonNode token = root.get("clientToken");
      return token != null && token.isTextual() && token.asText().getBytes(StandardCharsets.UTF_8).length <= 64
          ? token.asText() : null;
    } catch (ShadowJson.ParseException | RuntimeException e) {
      return null;
    }
  }
}
