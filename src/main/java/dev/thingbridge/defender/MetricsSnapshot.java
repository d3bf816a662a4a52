package dev.thingbridge.defender;

import java.util.Map;

/**
 * What one report of a thing carries, before it gets its header.
 *
 * @param metrics the standard metrics, or null for none
 * @param customMetrics custom metrics by name, in order (may be empty)
 */
public record MetricsSnapshot(StandardMetrics metrics, Map<String, CustomMetric> customMetrics) {
  public MetricsSnapshot {
    customMetrics = customMetrics == null ? Map.of() : customMetrics;
  }
}
