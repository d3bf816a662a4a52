package dev.thingbridge.twin.defender;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.twin.TwinOutbox;
import dev.thingbridge.twin.store.Migration;
import dev.thingbridge.twin.store.StoreReader;
import dev.thingbridge.twin.store.StoreSchema;
import dev.thingbridge.twin.store.Table;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;


/**
 * The Defender service's state: the last reports of each thing, newest last, in memory and in the twin's
 * {@code defender_reports} table (key thing and report id; the report in its canonical JSON). Changes are queued
 * per operation and handed to its outbox with {@link #drainTo}. A thing's reports are only touched in that
 * thing's lane, so different things may be served at the same time.
 */
public final class DefenderState {
  static final Table REPORTS = Table.of("defender_reports", 2, "thing_name", "report_id", "received_at", "document");
  static final StoreSchema SCHEMA = StoreSchema.of("defender", List.of(REPORTS), Migration.sql(
      "CREATE TABLE defender_reports (thing_name TEXT NOT NULL, report_id INTEGER NOT NULL,"
          + " received_at INTEGER NOT NULL, document TEXT NOT NULL, PRIMARY KEY (thing_name, report_id))"));
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Deque<StoredReport>> byThing = new ConcurrentHashMap<>();

  /** The thing's newest accepted report, if any. */
  public Optional<StoredReport> last(String thingName) {
    Deque<StoredReport> d = byThing.get(thingName);
    synchronized (this) {
      return d == null || d.isEmpty() ? Optional.empty() : Optional.of(d.peekLast());
    }
  }

  /** Adds an accepted report, keeping at most {@code keep} per thing; writes and deletes rows through {@code out}. */
  public void add(StoredReport report, int keep, TwinOutbox out) {
    Deque<StoredReport> d = byThing.computeIfAbsent(report.thingName(), k -> new ArrayDeque<>());
    List<StoredReport> evicted = new ArrayList<>();
    synchronized (this) {
      d.addLast(report);
      while (d.size() > keep) {
        evicted.add(d.removeFirst());
      }
    }
    out.save(REPORTS, report.thingName(), report.reportId(), report.receivedAt().toEpochMilli(),
        report.report().toString());
    evicted.forEach(e -> out.delete(REPORTS, e.thingName(), e.reportId()));
  }

  /** The thing's kept reports, oldest first. */
  public List<StoredReport> reports(String thingName) {
    Deque<StoredReport> d = byThing.get(thingName);
    synchronized (this) {
      return d == null ? List.of() : List.copyOf(d);
    }
  }

  /** Replaces the content with the table's (at start, and after a commit failed). */
  public void load(StoreReader store) {
    byThing.clear();
    store.query("SELECT * FROM defender_reports ORDER BY thing_name, report_id", row -> {
      JsonNode report;
      try {
        report = JSON.readTree(row.text("document"));
      } catch (IOException e) {
        throw new IllegalStateException("defender: a stored report is unreadable: " + e.getMessage(), e);
      }
      StoredReport r = new StoredReport(row.text("thing_name"), row.longValue("report_id"),
          Instant.ofEpochMilli(row.longValue("received_at")), (ObjectNode) report);
      byThing.computeIfAbsent(r.thingName(), k -> new ArrayDeque<>()).addLast(r);
    });
  }

}
