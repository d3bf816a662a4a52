package dev.thingbridge.defender;

import java.util.Objects;

/**
 * A report's header.
 *
 * @param reportId the report id: non-negative, strictly greater than the thing's previous one (AWS drops a
 *     report that reuses an id); see {@link ReportIds}
 * @param version the schema version, {@link ReportVersion#V1_0}
 */
public record ReportHeader(long reportId, ReportVersion version) {
  public ReportHeader {
    if (reportId < 0) {
      throw new IllegalArgumentException("report id must not be negative: " + reportId);
    }
    Objects.requireNonNull(version, "version");
  }

  /** A version 1.0 header. */
  public static ReportHeader of(long reportId) {
    return new ReportHeader(reportId, ReportVersion.V1_0);
  }
}
