package dev.thingbridge.twin.commands;

import dev.thingbridge.testing.SteppedClock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.twin.TwinContext;
import dev.thingbridge.twin.TwinLimits;
import dev.thingbridge.twin.TwinOutbox;
import dev.thingbridge.twin.TwinService;
import dev.thingbridge.twin.commands.CommandServiceTopics.Kind;
import dev.thingbridge.twin.commands.CommandServiceTopics.Parsed;
import dev.thingbridge.twin.commands.CommandServiceTopics.PayloadFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The commands service driven directly through {@code handle}, without a bus, for fuzzing: a context with a
 * stepped clock and an outbox that records, plus the invariants every update must keep.
 */
final class DirectHarness {
  static final Set<String> ERROR_CODES = Set.of("INVALID_JSON", "INVALID_REQUEST", "INVALID_STATE_TRANSITION",
      "RESOURCE_NOT_FOUND", "TERMINAL_STATE_REACHED");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new CBORMapper();

  final SteppedClock clock = new SteppedClock(CommandsRig.START);
  final List<MqttMessage> published = new ArrayList<>();
  final CommandsService service = new CommandsService();
  final List<String> executionIds = new ArrayList<>();
  private final TwinOutbox outbox = published::add;

  DirectHarness(TwinLimits limits) {
    service.attach(new TwinContext() {
      @Override
      public Instant now() {
        return clock.instant();
      }

      @Override
      public TwinLimits limits() {
        return limits;
      }

      @Override
      public <R> R exclusive(TwinService s, Function<TwinOutbox, R> operation) {
        return operation.apply(outbox);
      }
    });
    service.createCommand(CommandSpec.builder("Json").payload("{}".getBytes(StandardCharsets.UTF_8),
        "application/json").build());
    service.createCommand(CommandSpec.builder("Cbor").payload(new byte[] {(byte) 0xA0}, "application/cbor").build());
    String arn = service.settings().targetArn(DeviceTarget.thing("dev-1"));
    String clientArn = service.settings().targetArn(DeviceTarget.client("c-1"));
    for (String command : List.of("Json", "Cbor")) {
      String commandArn = service.command(command).commandArn();
      executionIds.add(service.startCommandExecution(StartCommandExecutionRequest.of(arn, commandArn).withTimeout(30)));
      executionIds.add(service.startCommandExecution(StartCommandExecutionRequest.of(clientArn, commandArn)));
    }
    published.clear();
  }

  /**
   * Delivers one message and checks: no exception; a well-formed response topic gets exactly one reply, on its
   * own accepted or rejected topic, decodable in its format, naming its execution and (if rejected) a known
   * code; any other topic gets no reply; a final status never changes.
   */
  void deliverAndCheck(String topic, byte[] payload) throws Exception {
    Map<String, CommandExecution> before = new HashMap<>();
    service.executions().forEach(e -> before.put(e.executionId(), e));
    published.clear();
    service.handle(MqttMessage.of(topic, payload, QoS.AT_LEAST_ONCE), outbox);
    List<MqttMessage> replies = published.stream().filter(m -> m.topic().startsWith("$aws/commands/")).toList();
    Optional<Parsed> parsed = CommandServiceTopics.parse(topic);
    if (parsed.isEmpty() || parsed.get().kind() != Kind.RESPONSE) {
      assertThat(replies).as(topic).isEmpty();
    } else {
      Parsed p = parsed.get();
      assertThat(replies).as(topic).hasSize(1);
      MqttMessage reply = replies.get(0);
      Optional<Parsed> replyTopic = CommandServiceTopics.parse(reply.topic());
      assertThat(replyTopic).isPresent();
      assertThat(replyTopic.get().kind()).isIn(Kind.ACCEPTED, Kind.REJECTED);
      assertThat(replyTopic.get().target()).isEqualTo(p.target());
      assertThat(replyTopic.get().executionId()).isEqualTo(p.executionId());
      assertThat(replyTopic.get().format()).isEqualTo(p.format());
      JsonNode doc = (p.format() == PayloadFormat.CBOR ? CBOR : JSON).readTree(reply.payload());
      assertThat(doc.get("executionId").asText()).isEqualTo(p.executionId());
      if (replyTopic.get().kind() == Kind.REJECTED) {
        assertThat(doc.get("error").asText()).isIn(ERROR_CODES);
      }
    }
    for (CommandExecution e : service.executions()) {
      CommandExecution old = before.get(e.executionId());
      if (old != null && old.isTerminal()) {
        assertThat(e).isEqualTo(old);
      }
    }
  }
}
