package dev.thingbridge.defender;

/**
 * An accepted report. Every member may be absent (null).
 *
 * @param thingName the thing the report was for
 * @param reportId the report id, when the service echoes it
 * @param timestamp the service's time in epoch milliseconds
 */
public record ReportAcceptance(String thingName, Long reportId, Long timestamp) {}
