package dev.thingbridge.defender;

/**
 * A rejected report as the service explained it. Every member may be absent (null).
 *
 * @param thingName the thing the report was for
 * @param code the typed code
 * @param rawCode the code as received (kept for codes this version does not know)
 * @param message {@code ErrorMessage}
 * @param reportId the report id, when the service echoes it (the twin does)
 * @param timestamp the service's time in epoch milliseconds
 */
public record DefenderRejection(String thingName, DefenderErrorCode code, String rawCode, String message,
    Long reportId, Long timestamp) {}
