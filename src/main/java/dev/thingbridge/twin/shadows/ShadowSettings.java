package dev.thingbridge.twin.shadows;

import java.time.Duration;
import java.util.Objects;

/**
 * Choices for the twin's Device Shadow service where AWS's documentation leaves room, plus the request rate
 * AWS enforces. Sizes, depth and whether rates apply come from the twin's {@code TwinLimits}.
 */
public final class ShadowSettings {
  /** The defaults: documented AWS behaviour wherever there is one. */
  public static final ShadowSettings DEFAULTS = builder().build();

  /** When {@code /update/delta} is published after an accepted update. */
  public enum DeltaPublication {
    /** After every accepted update whose resulting delta is non-empty (AWS's checklist; the default). */
    WHENEVER_DELTA_NON_EMPTY,
    /** Only after an accepted update whose request has a {@code desired} section and a non-empty delta. */
    ONLY_WHEN_DESIRED_UPDATED
  }

  private final DeltaPublication deltaPublication;
  private final Duration deletedVersionRetention;
  private final int requestsPerSecondPerThing;
  private final boolean numbersEqualByValue;
  private final ShadowAccessPolicy accessPolicy;

  private ShadowSettings(Builder b) {
    this.deltaPublication = b.deltaPublication;
    this.deletedVersionRetention = b.deletedVersionRetention;
    this.requestsPerSecondPerThing = b.requestsPerSecondPerThing;
    this.numbersEqualByValue = b.numbersEqualByValue;
    this.accessPolicy = b.accessPolicy;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with these settings. */
  public Builder toBuilder() {
    return new Builder()
        .deltaPublication(deltaPublication)
        .deletedVersionRetention(deletedVersionRetention)
        .requestsPerSecondPerThing(requestsPerSecondPerThing)
        .numbersEqualByValue(numbersEqualByValue)
        .accessPolicy(accessPolicy);
  }

  public DeltaPublication deltaPublication() {
    return deltaPublication;
  }

  /** How long a deleted shadow's version is remembered, so a re-created one continues it (AWS: 48 h). */
  public Duration deletedVersionRetention() {
    return deletedVersionRetention;
  }

  /** Shadow requests per second per thing before 429, when the twin enforces rates (AWS: 20). */
  public int requestsPerSecondPerThing() {
    return requestsPerSecondPerThing;
  }

  /** Whether 1 and 1.0 count as equal when computing the delta (Greengrass does; the cloud is undocumented). */
  public boolean numbersEqualByValue() {
    return numbersEqualByValue;
  }

  public ShadowAccessPolicy accessPolicy() {
    return accessPolicy;
  }

  /** Builds {@link ShadowSettings}. */
  public static final class Builder {
    private DeltaPublication deltaPublication = DeltaPublication.WHENEVER_DELTA_NON_EMPTY;
    private Duration deletedVersionRetention = Duration.ofHours(48);
    private int requestsPerSecondPerThing = 20;
    private boolean numbersEqualByValue = true;
    private ShadowAccessPolicy accessPolicy = ShadowAccessPolicy.ALLOW_ALL;

    private Builder() {}

    public Builder deltaPublication(DeltaPublication value) {
      this.deltaPublication = Objects.requireNonNull(value);
      return this;
    }

    public Builder deletedVersionRetention(Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException("retention must not be negative");
      }
      this.deletedVersionRetention = value;
      return this;
    }

    public Builder requestsPerSecondPerThing(int value) {
      if (value <= 0) {
        throw new IllegalArgumentException("requests per second must be positive");
      }
      this.requestsPerSecondPerThing = value;
      return this;
    }

    public Builder numbersEqualByValue(boolean value) {
      this.numbersEqualByValue = value;
      return this;
    }

    public Builder accessPolicy(ShadowAccessPolicy value) {
      this.accessPolicy = Objects.requireNonNull(value);
      return this;
    }

    public ShadowSettings build() {
      return new ShadowSettings(this);
    }
  }
}
