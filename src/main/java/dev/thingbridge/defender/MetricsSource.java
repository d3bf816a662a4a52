package dev.thingbridge.defender;

/** Collects a thing's metrics for its next scheduled report (the {@link DefenderReporter} calls it). */
@FunctionalInterface
public interface MetricsSource {
  /** The metrics now; an exception skips this report (the listener hears of it) and the schedule goes on. */
  MetricsSnapshot collect() throws Exception;
}
