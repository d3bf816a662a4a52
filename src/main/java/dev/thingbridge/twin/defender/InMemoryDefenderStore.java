package dev.thingbridge.twin.defender;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A {@link DefenderStore} in memory, with its content as JSON for the twin's state directory. */
public final class InMemoryDefenderStore implements DefenderStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, Deque<StoredReport>> byThing = new TreeMap<>();

  @Override
  public Optional<StoredReport> last(String thingName) {
    Deque<StoredReport> d = byThing.get(thingName);
    return d == null || d.isEmpty() ? Optional.empty() : Optional.of(d.peekLast());
  }

  @Override
  public void add(StoredReport report, int keep) {
    Deque<StoredReport> d = byThing.computeIfAbsent(report.thingName(), k -> new ArrayDeque<>());
    d.addLast(report);
    while (d.size() > keep) {
      d.removeFirst();
    }
  }

  @Override
  public List<StoredReport> reports(String thingName) {
    Deque<StoredReport> d = byThing.get(thingName);
    return d == null ? List.of() : List.copyOf(d);
  }

  @Override
  public List<String> things() {
    return List.copyOf(byThing.keySet());
  }

  /** Everything as JSON. */
  public JsonNode snapshot() {
    ArrayNode all = JSON.createArrayNode();
    byThing.values().forEach(d -> d.forEach(r -> all.addObject().put("thingName", r.thingName())
        .put("reportId", r.reportId()).put("receivedAt", r.receivedAt().toEpochMilli()).set("report", r.report())));
    ObjectNode root = JSON.createObjectNode();
    root.set("reports", all);
    return root;
  }

  /** Replaces the content with a {@link #snapshot()}; entries that do not read back are skipped. */
  public void restore(JsonNode snapshot) {
    byThing.clear();
    for (JsonNode n : snapshot.path("reports")) {
      if (n.path("thingName").isTextual() && n.path("reportId").canConvertToLong()
          && n.path("receivedAt").canConvertToLong() && n.path("report").isObject()) {
        add(new StoredReport(n.get("thingName").asText(), n.get("reportId").longValue(),
            Instant.ofEpochMilli(n.get("receivedAt").longValue()), (ObjectNode) n.get("report")), Integer.MAX_VALUE);
      }
    }
  }
}
