package dev.thingbridge.defender;

import dev.thingbridge.mqtt.MqttException;

/** The service rejected a metrics report; {@link #code()} and {@link #rejection()} say why. */
public final class DefenderRejectedException extends MqttException {
  private final String thingName;
  private final long reportId;
  private final transient DefenderRejection rejection;

  public DefenderRejectedException(String thingName, long reportId, DefenderRejection rejection) {
    super("metrics report " + reportId + " of " + thingName + " rejected: "
        + (rejection.rawCode() == null ? "(no code)" : rejection.rawCode())
        + (rejection.message() == null ? "" : ": " + rejection.message()));
    this.thingName = thingName;
    this.reportId = reportId;
    this.rejection = rejection;
  }

  public DefenderErrorCode code() {
    return rejection.code();
  }

  public String thingName() {
    return thingName;
  }

  public long reportId() {
    return reportId;
  }

  public DefenderRejection rejection() {
    return rejection;
  }
}
