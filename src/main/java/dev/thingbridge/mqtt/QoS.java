package dev.thingbridge.mqtt;

/** MQTT quality of service. AWS IoT Core supports only levels 0 and 1. */
public enum QoS {
  /** Fire and forget: a publish completes when handed to the transport. */
  AT_MOST_ONCE(0),
  /** Acknowledged: a publish completes when the broker's PUBACK arrives. */
  AT_LEAST_ONCE(1);

  private final int level;

  QoS(int level) {
    this.level = level;
  }

  /** The numeric level, 0 or 1. */
  public int level() {
    return level;
  }

  /**
   * The QoS for a numeric level.
   *
   * @throws IllegalArgumentException for anything but 0 or 1 (AWS IoT Core has no QoS 2)
   */
  public static QoS of(int level) {
    return switch (level) {
      case 0 -> AT_MOST_ONCE;
      case 1 -> AT_LEAST_ONCE;
      default -> throw new IllegalArgumentException("QoS must be 0 or 1, got " + level);
    };
  }

  /** The lower of two levels: what a subscriber receives for a publish. */
  public QoS min(QoS other) {
    return level <= other.level ? this : other;
  }
}
