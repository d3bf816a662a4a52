package dev.thingbridge.shadows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.internal.JsonTrees;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A delta from the cloud that a {@link Shadow} or a {@link ShadowManager} applied: the state before and after
 * (already persisted), the delta as the cloud sent it (less any part the state type rejected), and the
 * acknowledgement published so the cloud's delta empties.
 *
 * @param <S> the state type
 */
public final class DeltaEvent<S> {
  private final S previous;
  private final S state;
  private final ObjectNode delta;
  private final ObjectNode acknowledgement;
  private final long version;
  private final boolean changed;
  private final CompletableFuture<Long> acknowledged;

  /**
   * An applied delta, as a {@link Shadow} or a {@link ShadowManager} reports it.
   *
   * @param acknowledged completes with the document version once the acknowledgement is accepted
   */
  public DeltaEvent(S previous, S state, ObjectNode delta, ObjectNode acknowledgement, long version,
      boolean changed, CompletableFuture<Long> acknowledged) {
    this.previous = previous;
    this.state = state;
    this.delta = delta.deepCopy();
    this.acknowledgement = acknowledgement.deepCopy();
    this.version = version;
    this.changed = changed;
    this.acknowledged = Objects.requireNonNull(acknowledged);
  }

  /** The state before the delta. */
  public S previous() {
    return previous;
  }

  /** The state after the delta, as persisted. */
  public S state() {
    return state;
  }

  /** The delta as received (a copy): the desired values that differed from reported. */
  public ObjectNode delta() {
    return delta.deepCopy();
  }

  /** The document version the delta was computed at. */
  public long version() {
    return version;
  }

  /** Whether any value changed (a delta may restate current values, after a reboot for example). */
  public boolean changed() {
    return changed;
  }

  /** Whether the delta sets the value at a JSON Pointer ({@code /config/timeout}) or something inside it. */
  public boolean touches(String pointer) {
    return JsonTrees.touches(delta, pointer);
  }

  /** The {@code state} section of the acknowledging update (a copy). */
  public ObjectNode acknowledgement() {
    return acknowledgement.deepCopy();
  }

  /**
   * Completes with the document version once the cloud accepted the acknowledgement (at once with the delta's
   * version when there was nothing to acknowledge); fails with {@link ShadowException} on a rejection (409 when the
   * document changed or was deleted meanwhile: the shadow then fetches it again) or
   * {@link dev.thingbridge.mqtt.MqttTimeoutException} when none came within {@link ShadowOptions#ackTimeout()}. The
   * applied state is kept either way.
   */
  public CompletableFuture<Long> acknowledged() {
    return acknowledged.thenApply(v -> v);
  }

  @Override
  public String toString() {
    return "DeltaEvent[v" + version + ", " + delta + "]";
  }
}
