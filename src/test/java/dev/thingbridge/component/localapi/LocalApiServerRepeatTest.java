package dev.thingbridge.component.localapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.thingbridge.sibling.LocalApiErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A request sent again with the same correlation id (a sibling re-sending what was in flight when the nucleus
 * connection dropped) is answered from the first one's outcome and does not run twice; a transient failure
 * (UNAVAILABLE) is not remembered, so the repeat runs again; repeats that arrive while the first run goes on get
 * that run's one answer.
 */
class LocalApiServerRepeatTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CALLER = "com.example.Counter";

  private final InProcessLocalBus bus = new InProcessLocalBus();
  private final AtomicInteger runs = new AtomicInteger();
  private final AtomicInteger unavailableFirst = new AtomicInteger(1);
  private final LocalApiServer server = LocalApiServer.builder(bus, "thingbridge").service(new ApiService() {
    @Override
    public String name() {
      return "counter";
    }

    @Override
    public Set<String> operations() {
      return Set.of("add", "flaky", "slow");
    }

    @Override
    public CompletableFuture<JsonNode> handle(ApiCall call) {
      if (call.operation().equals("slow")) {
        slowRuns.incrementAndGet();
        return slow;
      }
      if (call.operation().equals("flaky") && unavailableFirst.getAndDecrement() > 0) {
        throw new ApiException(LocalApiErrorCode.UNAVAILABLE, "the cloud connection is being rebuilt");
      }
      return CompletableFuture.completedFuture(JsonNodeFactory.instance.objectNode().put("run",
          runs.incrementAndGet()));
    }
  }).build();
  private final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
  /** The outcome of every {@code slow} call, completed by the test. */
  private final CompletableFuture<JsonNode> slow = new CompletableFuture<>();
  private final AtomicInteger slowRuns = new AtomicInteger();

  @AfterEach
  void stop() {
    server.close();
    bus.close();
  }

  private JsonNode ask(String operation, String correlationId) throws Exception {
    send(operation, correlationId);
    JsonNode answer = answers.poll(5, TimeUnit.SECONDS);
    assertThat(answer).as("an answer to " + correlationId).isNotNull();
    assertThat(answer.path("correlationId").asText()).isEqualTo(correlationId);
    return answer;
  }

  private void listen() throws Exception {
    server.start().get(5, TimeUnit.SECONDS);
    bus.subscribe("thingbridge/" + CALLER + "/response", m -> {
      try {
        answers.add(JSON.readTree(m.payload()));
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    }).get(5, TimeUnit.SECONDS);
  }

  private void send(String operation, String correlationId) {
    bus.publish("thingbridge/" + CALLER + "/counter/" + operation,
        ("{\"correlationId\":\"" + correlationId + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  /** A caller repeats what is unanswered every few seconds: repeats of a run that goes on add no answers. */
  @Test
  void repeats_while_the_first_run_goes_on_get_its_one_answer_and_a_later_repeat_another() throws Exception {
    listen();
    send("slow", "s-1");
    await().atMost(Duration.ofSeconds(5)).until(() -> slowRuns.get() == 1);
    send("slow", "s-1");
    send("slow", "s-1");
    // Requests are taken in order: once this one is answered, the repeats above were taken too.
    assertThat(ask("add", "a-1").at("/result/run").asInt()).isEqualTo(1);
    slow.complete(JsonNodeFactory.instance.objectNode().put("done", true));
    JsonNode first = answers.poll(5, TimeUnit.SECONDS);
    assertThat(first).isNotNull();
    assertThat(first.at("/result/done").asBoolean()).isTrue();

    JsonNode repeated = ask("slow", "s-1");
    assertThat(repeated.at("/result/done").asBoolean()).as("answered from the run").isTrue();
    // The bus keeps order per subscription: an answer to a repeat made during the run would have come before.
    assertThat(answers).as("one answer for the run, one for the later repeat").isEmpty();
    assertThat(slowRuns).hasValue(1);
  }

  @Test
  void a_repeated_correlation_id_is_answered_from_the_first_run() throws Exception {
    listen();

    assertThat(ask("add", "c-1").at("/result/run").asInt()).isEqualTo(1);
    assertThat(ask("add", "c-1").at("/result/run").asInt()).as("the first answer again").isEqualTo(1);
    assertThat(ask("add", "c-2").at("/result/run").asInt()).as("a new id runs").isEqualTo(2);
    assertThat(runs).hasValue(2);

    JsonNode refused = ask("flaky", "c-3");
    assertThat(refused.at("/error/code").asText()).isEqualTo("UNAVAILABLE");
    assertThat(ask("flaky", "c-3").at("/result/run").asInt()).as("a transient failure runs again").isEqualTo(3);
  }
}
