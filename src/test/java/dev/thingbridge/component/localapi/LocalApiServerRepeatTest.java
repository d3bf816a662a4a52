package dev.thingbridge.component.localapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.thingbridge.sibling.LocalApiErrorCode;
import java.nio.charset.StandardCharsets;
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
 * (UNAVAILABLE) is not remembered, so the repeat runs again.
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
      return Set.of("add", "flaky");
    }

    @Override
    public CompletableFuture<JsonNode> handle(ApiCall call) {
      if (call.operation().equals("flaky") && unavailableFirst.getAndDecrement() > 0) {
        throw new ApiException(LocalApiErrorCode.UNAVAILABLE, "the cloud connection is being rebuilt");
      }
      return CompletableFuture.completedFuture(JsonNodeFactory.instance.objectNode().put("run",
          runs.incrementAndGet()));
    }
  }).build();
  private final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();

  @AfterEach
  void stop() {
    server.close();
    bus.close();
  }

  private JsonNode ask(String operation, String correlationId) throws Exception {
    bus.publish("thingbridge/" + CALLER + "/counter/" + operation,
        ("{\"correlationId\":\"" + correlationId + "\"}").getBytes(StandardCharsets.UTF_8));
    JsonNode answer = answers.poll(5, TimeUnit.SECONDS);
    assertThat(answer).as("an answer to " + correlationId).isNotNull();
    assertThat(answer.path("correlationId").asText()).isEqualTo(correlationId);
    return answer;
  }

  @Test
  void a_repeated_correlation_id_is_answered_from_the_first_run() throws Exception {
    server.start().get(5, TimeUnit.SECONDS);
    bus.subscribe("thingbridge/" + CALLER + "/response", m -> {
      try {
        answers.add(JSON.readTree(m.payload()));
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    }).get(5, TimeUnit.SECONDS);

    assertThat(ask("add", "c-1").at("/result/run").asInt()).isEqualTo(1);
    assertThat(ask("add", "c-1").at("/result/run").asInt()).as("the first answer again").isEqualTo(1);
    assertThat(ask("add", "c-2").at("/result/run").asInt()).as("a new id runs").isEqualTo(2);
    assertThat(runs).hasValue(2);

    JsonNode refused = ask("flaky", "c-3");
    assertThat(refused.at("/error/code").asText()).isEqualTo("UNAVAILABLE");
    assertThat(ask("flaky", "c-3").at("/result/run").asInt()).as("a transient failure runs again").isEqualTo(3);
  }
}
