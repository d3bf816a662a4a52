package dev.thingbridge.twin.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The notify message built from kept summary bytes is the one a tree of the current fields gives. */
class JobsWireNotifyTest {
  private final ObjectMapper json = new ObjectMapper();
  private final JobsWire wire = new JobsWire(json);
  private final Instant t0 = Instant.parse("2026-12-08T02:00:00Z");

  @Test
  void the_message_follows_every_change_of_the_listed_executions() throws Exception {
    ExecutionRecord a = new ExecutionRecord("job-a", "gw", 1, 1, t0);
    ExecutionRecord b = new ExecutionRecord("job-b", "gw", 2, 1, t0.plusSeconds(1));
    ExecutionRecord c = new ExecutionRecord("job-c", "gw", 3, 1, t0.plusSeconds(2));
    assertSame(List.of(a, b, c), 10, t0.plusSeconds(3));

    a.moveTo(ExecutionStatus.IN_PROGRESS, t0.plusSeconds(4));
    assertSame(List.of(a, b, c), 10, t0.plusSeconds(5));
    String afterStart = text(wire.notifyList(List.of(a, b, c), 10, t0.plusSeconds(5)));
    assertThat(afterStart).contains("\"IN_PROGRESS\":[{\"jobId\":\"job-a\"", "\"startedAt\":" + t0.plusSeconds(4).getEpochSecond());

    a.touch(t0.plusSeconds(6));
    b.touch(t0.plusSeconds(7));
    assertSame(List.of(a, b, c), 2, t0.plusSeconds(8));
    assertSame(List.of(), 10, t0.plusSeconds(9));
  }

  private void assertSame(List<ExecutionRecord> pending, int limit, Instant now) throws Exception {
    assertThat(text(wire.notifyList(pending, limit, now))).isEqualTo(json.writeValueAsString(tree(pending, limit, now)));
  }

  /** The message as a tree of the current fields, the way it was built before summaries were kept. */
  private ObjectNode tree(List<ExecutionRecord> pending, int limit, Instant now) {
    ObjectNode n = json.createObjectNode();
    n.put("timestamp", now.getEpochSecond());
    ObjectNode jobs = n.putObject("jobs");
    for (ExecutionRecord e : pending.subList(0, Math.min(limit, pending.size()))) {
      ArrayNode list = jobs.has(e.status.name()) ? (ArrayNode) jobs.get(e.status.name()) : jobs.putArray(e.status.name());
      ObjectNode s = list.addObject().put("jobId", e.jobId).put("queuedAt", e.queuedAt.getEpochSecond());
      if (e.startedAt != null) {
        s.put("startedAt", e.startedAt.getEpochSecond());
      }
      s.put("lastUpdatedAt", e.lastUpdatedAt.getEpochSecond()).put("executionNumber", e.executionNumber)
          .put("versionNumber", e.versionNumber);
    }
    return n;
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
