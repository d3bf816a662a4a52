package dev.thingbridge.defender;

/**
 * The {@code network_stats} metric: traffic since the previous report (deltas, not totals). Each member is
 * optional (null leaves it out) and never negative.
 */
public record NetworkStats(Long bytesIn, Long bytesOut, Long packetsIn, Long packetsOut) {
  public NetworkStats {
    for (Long v : new Long[] {bytesIn, bytesOut, packetsIn, packetsOut}) {
      if (v != null && v < 0) {
        throw new IllegalArgumentException("network counters must not be negative: " + v);
      }
    }
  }
}
