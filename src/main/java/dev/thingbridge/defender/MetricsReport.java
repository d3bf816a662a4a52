package dev.thingbridge.defender;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A Device Defender metrics report: a header, standard metrics and custom metrics (a report carries at least
 * one of the two). Custom metrics keep their insertion order on the wire.
 *
 * @param header the header
 * @param metrics the standard metrics, or null for none
 * @param customMetrics custom metrics by name, in order; empty for none
 */
public record MetricsReport(ReportHeader header, StandardMetrics metrics, Map<String, CustomMetric> customMetrics) {
  public MetricsReport {
    Objects.requireNonNull(header, "header");
    Map<String, CustomMetric> copy = new LinkedHashMap<>();
    customMetrics.forEach((k, v) -> copy.put(CustomMetric.checkName(k), Objects.requireNonNull(v, k)));
    customMetrics = Collections.unmodifiableMap(copy);
    if (metrics == null && customMetrics.isEmpty()) {
      throw new IllegalArgumentException("a report carries standard metrics, custom metrics or both");
    }
  }

  /** A report with standard metrics only. */
  public static MetricsReport of(ReportHeader header, StandardMetrics metrics) {
    return new MetricsReport(header, metrics, Map.of());
  }

  /** A report with custom metrics only. */
  public static MetricsReport of(ReportHeader header, Map<String, CustomMetric> customMetrics) {
    return new MetricsReport(header, null, customMetrics);
  }
}
