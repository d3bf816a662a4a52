package dev.thingbridge.twin.commands;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.twin.TwinLimits;
import dev.thingbridge.twin.commands.CommandServiceTopics.PayloadFormat;
import dev.thingbridge.twin.commands.CommandsRig.Device;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Seeded random garbage: mangled topics, truncated and bit-flipped JSON/CBOR, random structures. */
class CommandsGarbageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new CBORMapper();
  private static final List<String> STATUSES = List.of("IN_PROGRESS", "SUCCEEDED", "FAILED", "REJECTED",
      "TIMED_OUT", "CREATED", "DONE", "");

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 20240606})
  void random_updates_keep_every_invariant(long seed) throws Exception {
    Random random = new Random(seed);
    DirectHarness harness = new DirectHarness(random.nextBoolean() ? TwinLimits.AWS : TwinLimits.RELAXED);
    for (int i = 0; i < 400; i++) {
      if (random.nextInt(20) == 0) {
        harness.clock.advance(Duration.ofSeconds(random.nextInt(15)));
        harness.service.tick(harness.clock.instant(), harness.published::add);
      }
      String id = random.nextInt(5) == 0 ? randomText(random, 1 + random.nextInt(70))
          : harness.executionIds.get(random.nextInt(harness.executionIds.size()));
      String device = random.nextBoolean() ? "things/dev-1" : random.nextBoolean() ? "clients/c-1" : "things/x";
      PayloadFormat format = PayloadFormat.values()[random.nextInt(3)];
      String topic = "$aws/commands/" + device + "/executions/" + id + "/response" + format.topicSuffix();
      if (random.nextInt(10) == 0) {
        topic = mangle(random, topic);
      }
      harness.deliverAndCheck(topic, payload(random, format));
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {7, 99})
  void after_garbage_on_the_bus_the_twin_still_serves_a_valid_update(long seed) throws Exception {
    Random random = new Random(seed);
    try (CommandsRig rig = new CommandsRig();
        Device device = rig.device(DeviceTarget.thing("dev-1"), PayloadFormat.JSON)) {
      rig.createCommand("C", "application/json", "{}".getBytes(StandardCharsets.UTF_8));
      String id = rig.service.startCommandExecution(StartCommandExecutionRequest.of(rig.thingArn("dev-1"),
          rig.service.command("C").commandArn()).withTimeout(600));
      for (int i = 0; i < 50; i++) {
        MqttMessage reply = device.report(id, payload(random, PayloadFormat.JSON));
        assertThat(reply.topic()).contains("/executions/" + id + "/response/");
      }
      if (rig.service.commandExecution(id, rig.thingArn("dev-1")).isTerminal()) {
        id = rig.service.startCommandExecution(StartCommandExecutionRequest.of(rig.thingArn("dev-1"),
            rig.service.command("C").commandArn()).withTimeout(600));
      }
      MqttMessage ok = device.report(id, "{\"status\":\"SUCCEEDED\"}".getBytes(StandardCharsets.UTF_8));
      assertThat(ok.topic()).endsWith("/response/accepted/json");
    }
  }

  private static byte[] payload(Random random, PayloadFormat format) throws Exception {
    int kind = random.nextInt(4);
    if (kind == 0) {
      byte[] bytes = new byte[random.nextInt(200)];
      random.nextBytes(bytes);
      return bytes;
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("status", random.nextInt(8) == 0 ? random.nextInt() : STATUSES.get(random.nextInt(STATUSES.size())));
    if (random.nextBoolean()) {
      Map<String, Object> reason = new LinkedHashMap<>();
      reason.put("reasonCode", random.nextBoolean() ? "OK_" + random.nextInt(100) : randomText(random, random.nextInt(80)));
      if (random.nextBoolean()) {
        reason.put("reasonDescription", randomText(random, random.nextInt(1100)));
      }
      doc.put("statusReason", random.nextInt(10) == 0 ? "oops" : reason);
    }
    if (random.nextBoolean()) {
      Map<String, Object> result = new LinkedHashMap<>();
      for (int i = random.nextInt(4); i > 0; i--) {
        Object value = switch (random.nextInt(5)) {
          case 0 -> Map.of("s", randomText(random, 10));
          case 1 -> Map.of("b", random.nextBoolean());
          case 2 -> Map.of("bin", format == PayloadFormat.CBOR ? new byte[] {1, 2, 3} : "AQID");
          case 3 -> Map.of("s", 1, "b", true);
          default -> List.of(1, 2);
        };
        result.put(randomText(random, 1 + random.nextInt(8)), value);
      }
      doc.put("result", result);
    }
    byte[] bytes = (format == PayloadFormat.CBOR ? CBOR : JSON).writeValueAsBytes(doc);
    if (kind == 2 && bytes.length > 0) {
      bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
    } else if (kind == 3 && bytes.length > 1) {
      bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
    }
    return bytes;
  }

  private static String mangle(Random random, String topic) {
    StringBuilder s = new StringBuilder(topic);
    int at = random.nextInt(s.length());
    switch (random.nextInt(3)) {
      case 0 -> s.insert(at, '/');
      case 1 -> s.deleteCharAt(at);
      default -> s.setCharAt(at, (char) ('a' + random.nextInt(26)));
    }
    String out = s.toString().replace("+", "p").replace("#", "h");
    return out.isEmpty() ? "x" : out;
  }

  private static String randomText(Random random, int length) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      s.append((char) (random.nextInt(4) == 0 ? random.nextInt(0x3000) : 'A' + random.nextInt(58)));
    }
    return s.toString();
  }
}
