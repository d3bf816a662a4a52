package dev.thingbridge.twin.defender;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * An accepted metrics report as the twin keeps it.
 *
 * @param thingName the thing it was published for
 * @param reportId its {@code report_id}
 * @param receivedAt when the twin accepted it
 * @param report the report in its canonical form (long member names, see {@link ReportValidator})
 */
public record StoredReport(String thingName, long reportId, Instant receivedAt, ObjectNode report) {
  public StoredReport {
    Objects.requireNonNull(thingName, "thingName");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(report, "report");
  }
}
