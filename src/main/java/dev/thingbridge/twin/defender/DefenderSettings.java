package dev.thingbridge.twin.defender;

import java.time.Duration;

/**
 * How the twin's Device Defender behaves.
 *
 * @param minReportInterval the shortest time between accepted reports of a thing; a report sooner is
 *     {@code Throttled}. Null follows the twin's limits: AWS's 5 minutes with {@code --aws-limits}, none
 *     otherwise (so local runs can report every few seconds)
 * @param reportsKept how many reports the twin keeps per thing (the oldest go)
 */
public record DefenderSettings(Duration minReportInterval, int reportsKept) {
  /** The interval AWS documents between reports of one thing. */
  public static final Duration AWS_INTERVAL = Duration.ofMinutes(5);
  /** Interval per the twin's limits, 100 reports kept per thing. */
  public static final DefenderSettings DEFAULTS = new DefenderSettings(null, 100);

  public DefenderSettings {
    if (minReportInterval != null && minReportInterval.isNegative()) {
      throw new IllegalArgumentException("minReportInterval must not be negative");
    }
    if (reportsKept < 1) {
      throw new IllegalArgumentException("reportsKept must be at least 1");
    }
  }
}
