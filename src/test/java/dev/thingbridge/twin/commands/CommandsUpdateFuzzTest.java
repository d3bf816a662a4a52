package dev.thingbridge.twin.commands;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.thingbridge.twin.TwinLimits;
import java.time.Duration;
import java.util.List;

/** Fuzzes device updates (topic suffix and JSON/CBOR payload) straight into the service. */
class CommandsUpdateFuzzTest {
  private static final List<String> DEVICES = List.of("things/dev-1", "clients/c-1", "things/other", "things/",
      "devices/dev-1", "clients/$x", "things/dev+1");
  private static final List<String> TAILS = List.of("response/json", "response/cbor", "response",
      "response/accepted/json", "response/rejected", "request/json", "response/xml", "response/json/x", "");

  @FuzzTest(maxDuration = "30s")
  void device_updates_never_throw_and_every_response_topic_gets_exactly_one_reply(FuzzedDataProvider data)
      throws Exception {
    DirectHarness harness = new DirectHarness(data.consumeBoolean() ? TwinLimits.AWS : TwinLimits.RELAXED);
    int rounds = data.consumeInt(1, 4);
    for (int i = 0; i < rounds && data.remainingBytes() > 0; i++) {
      String device = data.pickValue(DEVICES);
      String id = data.consumeBoolean() ? data.pickValue(harness.executionIds) : data.consumeString(70);
      String topic = "$aws/commands/" + device + "/executions/" + id + "/" + data.pickValue(TAILS);
      if (data.consumeBoolean()) {
        harness.clock.advance(Duration.ofSeconds(data.consumeInt(0, 40)));
        harness.service.tick(harness.clock.instant(), harness.published::add);
      }
      byte[] payload = data.consumeBoolean()
          ? data.consumeBytes(data.consumeInt(0, 300))
          : ("{\"status\":\"" + data.pickValue(List.of("IN_PROGRESS", "SUCCEEDED", "FAILED", "REJECTED",
              "TIMED_OUT", "CREATED", "")) + "\"" + data.consumeString(200) + "}").getBytes(
              java.nio.charset.StandardCharsets.UTF_8);
      harness.deliverAndCheck(topic, payload);
    }
  }
}
