package dev.thingbridge.mqtt;

/**
 * The broker refused an operation: a CONNACK, PUBACK or SUBACK with a failure reason code, or an IPC
 * authorization error.
 */
public class MqttRefusedException extends MqttException {
  private final int reasonCode;

  /**
   * @param operation what was refused, e.g. "subscribe to a/b"
   * @param reasonCode the MQTT 5 reason code (for example 0x87 not authorized), or -1 if none was given
   * @param reason the broker's reason string or the code's name
   */
  public MqttRefusedException(String operation, int reasonCode, String reason) {
    super(operation + " refused by the broker: " + reason
        + (reasonCode >= 0 ? " (reason code 0x" + Integer.toHexString(reasonCode) + ")" : ""));
    this.reasonCode = reasonCode;
  }

  /** The MQTT 5 reason code, or -1 when the broker gave none. */
  public int reasonCode() {
    return reasonCode;
  }
}
