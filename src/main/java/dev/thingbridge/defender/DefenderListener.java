package dev.thingbridge.defender;

/** Hears how scheduled reports went. Called on the reporter's thread; must not block for long. */
public interface DefenderListener {
  /** No-op listener. */
  DefenderListener NONE = new DefenderListener() {};

  /** The service accepted a report. */
  default void onAccepted(String thingName, MetricsReport report, ReportAcceptance acceptance) {}

  /** The service rejected a report. */
  default void onRejected(String thingName, MetricsReport report, DefenderRejectedException rejection) {}

  /** A report could not be made or got no answer (collection error, timeout, connection down). */
  default void onFailed(String thingName, Throwable error) {}
}
