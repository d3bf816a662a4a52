package dev.thingbridge.twin.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.twin.TwinLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random topics and payloads straight into the jobs service's {@code handle}. Invariants: it never throws;
 * a request topic gets exactly one reply on its {@code /accepted} or {@code /rejected} topic, valid JSON
 * with a timestamp, a documented error code (never InternalError), and the clientToken echoed whenever the
 * request carried a readable one; topics the service publishes on get no reply.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobsRequestsFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Set<String> CODES = Set.of("InvalidTopic", "InvalidJson", "InvalidRequest",
      "InvalidStateTransition", "ResourceNotFound", "VersionMismatch", "RequestThrottled", "TerminalStateReached");
  private static final String[] SUFFIXES = {"get", "start-next", "$next/get", "job-a/get", "job-a/update",
      "job-b/update", "job-b/get", "nope/update", "notify", "notify-next", "get/accepted", "job-a/update/rejected",
      "x/y/z", "", "job-a", "$next/update"};
  private static final String[] FIELDS = {"clientToken", "status", "statusDetails", "expectedVersion",
      "executionNumber", "includeJobDocument", "includeJobExecutionState", "stepTimeoutInMinutes"};
  private static final String[] VALUES = {"\"t\"", "\"IN_PROGRESS\"", "\"SUCCEEDED\"", "\"FAILED\"", "\"REJECTED\"",
      "\"QUEUED\"", "1", "2", "-1", "0", "10081", "1.5", "true", "false", "null", "{}", "{\"k\":\"v\"}",
      "{\"k\":1}", "[]", "\"\"", "99999999999999999999"};

  private JobsTwinFixture f;

  @BeforeAll
  void start() throws Exception {
    f = new JobsTwinFixture("dev-1", null, TwinLimits.AWS, JobsSettings.DEFAULT);
    f.createJob("job-a");
    f.createJob("job-b");
  }

  @AfterAll
  void stop() {
    f.close();
  }

  @FuzzTest(maxDuration = "30s")
  void any_topic_and_payload_is_answered_by_the_rules(FuzzedDataProvider data) throws Exception {
    String thing = data.consumeBoolean() ? "dev-1" : data.consumeString(20);
    String suffix = data.consumeBoolean() ? SUFFIXES[data.consumeInt(0, SUFFIXES.length - 1)] : data.consumeString(40);
    byte[] payload = data.consumeBoolean() ? structured(new Random(data.consumeLong())).getBytes(StandardCharsets.UTF_8)
        : data.consumeRemainingAsBytes();
    check("$aws/things/" + thing + "/jobs/" + suffix, payload);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 1234567})
  void seeded_random_garbage_is_answered_by_the_rules(long seed) throws Exception {
    Random random = new Random(seed);
    for (int i = 0; i < 400; i++) {
      String suffix = random.nextInt(5) == 0 ? randomText(random, 12) : SUFFIXES[random.nextInt(SUFFIXES.length)];
      String thing = random.nextInt(8) == 0 ? randomText(random, 6) : "dev-1";
      byte[] payload;
      switch (random.nextInt(3)) {
        case 0 -> {
          payload = new byte[random.nextInt(64)];
          random.nextBytes(payload);
        }
        case 1 -> payload = randomText(random, 40).getBytes(StandardCharsets.UTF_8);
        default -> payload = structured(random).getBytes(StandardCharsets.UTF_8);
      }
      check("$aws/things/" + thing + "/jobs/" + suffix, payload);
      f.clock.advance(java.time.Duration.ofMillis(30)); // keep under the AWS rate limit most of the time
    }
    f.twin.tickNow();
  }

  private void check(String topic, byte[] payload) throws Exception {
    MqttMessage request;
    try {
      request = MqttMessage.of(topic, payload, QoS.AT_LEAST_ONCE);
    } catch (RuntimeException e) {
      return; // not a message any client could publish
    }
    List<MqttMessage> out = new ArrayList<>();
    f.jobs.handle(request, out::add); // must not throw
    List<MqttMessage> replies = out.stream()
        .filter(m -> m.topic().equals(topic + "/accepted") || m.topic().equals(topic + "/rejected")).toList();
    if (!isRequestTopic(topic)) {
      assertThat(out).isEmpty();
      return;
    }
    assertThat(replies).as("replies to %s", topic).hasSize(1);
    JsonNode reply = JSON.readTree(replies.get(0).payload());
    assertThat(reply.path("timestamp").isIntegralNumber()).isTrue();
    if (replies.get(0).topic().endsWith("/rejected")) {
      assertThat(CODES).contains(reply.path("code").asText());
    }
    String token = readableToken(payload);
    if (token != null) {
      assertThat(reply.path("clientToken").asText()).isEqualTo(token);
    }
  }

  private static boolean isRequestTopic(String topic) {
    String[] s = topic.split("/", -1);
    if (s.length < 5 || !s[0].equals("$aws") || !s[1].equals("things") || !s[3].equals("jobs")) {
      return false;
    }
    String last = s[s.length - 1];
    boolean outbound = last.equals("accepted") || last.equals("rejected")
        || (s.length == 5 && (s[4].equals("notify") || s[4].equals("notify-next")))
        || s[4].startsWith("notify-next-namespace-") || (s.length >= 6 && s[5].startsWith("notify-namespace-"));
    return !outbound;
  }

  private static String readableToken(byte[] payload) {
    try {
      JsonNode n = JSON.readTree(new String(payload, StandardCharsets.UTF_8));
      if (n != null && n.isObject() && n.path("clientToken").isTextual()
          && new String(payload, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8).length == payload.length
          && payload.length <= TwinLimits.AWS.maxPayloadBytes()) {
        return n.get("clientToken").asText();
      }
    } catch (Exception e) {
      return null;
    }
    return null;
  }

  private static String structured(Random random) {
    StringBuilder b = new StringBuilder("{");
    int n = random.nextInt(5);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append('"').append(FIELDS[random.nextInt(FIELDS.length)]).append("\":").append(VALUES[random.nextInt(VALUES.length)]);
    }
    return b.append('}').toString();
  }

  private static String randomText(Random random, int max) {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(max + 1);
    for (int i = 0; i < n; i++) {
      b.append((char) (random.nextInt(3) == 0 ? random.nextInt(0x3000) : 0x20 + random.nextInt(0x5f)));
    }
    return b.toString();
  }
}
