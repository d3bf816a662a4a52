package dev.thingbridge.shadows;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Shadow} talks to the cloud. Immutable; start from {@link #defaults()} or {@link #builder()}.
 */
public final class ShadowOptions {
  /** Default wait for each request's reply: 10 s. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** Default wait for the acknowledgement of an applied delta: 30 s, as rustot. */
  public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(30);
  /** Default number of attempts of a change that meets version conflicts (409). */
  public static final int DEFAULT_CONFLICT_ATTEMPTS = 5;

  private static final ShadowOptions DEFAULTS = builder().build();

  private final String topicPrefix;
  private final Duration requestTimeout;
  private final Duration ackTimeout;
  private final boolean optimisticLocking;
  private final int conflictAttempts;
  private final boolean ignoreUnknownFields;
  private final boolean resyncOnReconnect;
  private final int inboxCapacity;

  private ShadowOptions(Builder b) {
    this.topicPrefix = b.topicPrefix;
    this.requestTimeout = b.requestTimeout;
    this.ackTimeout = b.ackTimeout;
    this.optimisticLocking = b.optimisticLocking;
    this.conflictAttempts = b.conflictAttempts;
    this.ignoreUnknownFields = b.ignoreUnknownFields;
    this.resyncOnReconnect = b.resyncOnReconnect;
    this.inboxCapacity = b.inboxCapacity;
  }

  /** {@code $aws}, 10 s per request, 30 s for acknowledgements, no version on updates, resync on reconnect. */
  public static ShadowOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().topicPrefix(topicPrefix).requestTimeout(requestTimeout).ackTimeout(ackTimeout)
        .optimisticLocking(optimisticLocking).conflictAttempts(conflictAttempts)
        .ignoreUnknownFields(ignoreUnknownFields).resyncOnReconnect(resyncOnReconnect).inboxCapacity(inboxCapacity);
  }

  /** The topic prefix, {@code $aws} for AWS IoT. */
  public String topicPrefix() {
    return topicPrefix;
  }

  /** How long each get, update or delete waits for its reply. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * How long the acknowledgement of an applied delta is waited for. When it runs out the applied state is kept
   * (it is already persisted) and the cloud's delta, still pending, is reconciled at the next sync.
   */
  public Duration ackTimeout() {
    return ackTimeout;
  }

  /**
   * Whether the device's own updates carry the last known {@code version}, so that a concurrent change in the cloud
   * is met with 409 and the change is re-applied on the fresh document instead of overwriting it.
   */
  public boolean optimisticLocking() {
    return optimisticLocking;
  }

  /** How many times a change is tried when each attempt meets a version conflict. */
  public int conflictAttempts() {
    return conflictAttempts;
  }

  /** Whether delta keys unknown to the state type are skipped (typed shadows) instead of rejecting the delta. */
  public boolean ignoreUnknownFields() {
    return ignoreUnknownFields;
  }

  /**
   * Whether every reconnect, not only one that lost the MQTT session, is followed by a GET drain. Costs one request
   * per reconnect and closes the gap where a broker or bridge kept the session but dropped what was sent meanwhile.
   */
  public boolean resyncOnReconnect() {
    return resyncOnReconnect;
  }

  /**
   * How many applied deltas {@link Shadow#nextDelta} keeps for a reader that is not waiting (default 64); older ones
   * are dropped (their effect is in the state either way).
   */
  public int inboxCapacity() {
    return inboxCapacity;
  }

  /** Builds {@link ShadowOptions}. */
  public static final class Builder {
    private String topicPrefix = ShadowTopics.AWS_PREFIX;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration ackTimeout = DEFAULT_ACK_TIMEOUT;
    private boolean optimisticLocking;
    private int conflictAttempts = DEFAULT_CONFLICT_ATTEMPTS;
    private boolean ignoreUnknownFields;
    private boolean resyncOnReconnect = true;
    private int inboxCapacity = 64;

    private Builder() {}

    public Builder topicPrefix(String value) {
      ShadowTopics.of(value, "x", null); // validates
      this.topicPrefix = value;
      return this;
    }

    public Builder requestTimeout(Duration value) {
      this.requestTimeout = positive(value, "requestTimeout");
      return this;
    }

    public Builder ackTimeout(Duration value) {
      this.ackTimeout = positive(value, "ackTimeout");
      return this;
    }

    public Builder optimisticLocking(boolean value) {
      this.optimisticLocking = value;
      return this;
    }

    public Builder conflictAttempts(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("conflictAttempts must be at least 1: " + value);
      }
      this.conflictAttempts = value;
      return this;
    }

    public Builder ignoreUnknownFields(boolean value) {
      this.ignoreUnknownFields = value;
      return this;
    }

    public Builder resyncOnReconnect(boolean value) {
      this.resyncOnReconnect = value;
      return this;
    }

    public Builder inboxCapacity(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("inboxCapacity must be at least 1: " + value);
      }
      this.inboxCapacity = value;
      return this;
    }

    public ShadowOptions build() {
      return new ShadowOptions(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
