package dev.thingbridge.shadows.schema;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The outcome of applying a delta: the state before and after, and the acknowledgement to publish so that the
 * cloud's delta empties.
 *
 * <p>The acknowledgement is one update whose {@code reported} holds the new values of exactly the fields the delta
 * touched (a union whole and null-padded, a removed map entry as {@code null}) and whose {@code desired} holds the
 * cleanup, if any: {@code null} for removed map entries (AWS would otherwise keep the {@code "unset"} tombstone),
 * for the previous variant's fields after a switch, and a rewritten tag after an unknown one.
 *
 * @param <S> the state type
 */
public final class AppliedDelta<S> {
  private final S previous;
  private final S state;
  private final ShadowDelta delta;
  private final ObjectNode reported;
  private final ObjectNode desiredCleanup;
  private final BooleanSupplier changed;

  AppliedDelta(S previous, S state, ShadowDelta delta, ObjectNode reported, ObjectNode desiredCleanup,
      BooleanSupplier changed) {
    this.changed = changed;
    this.previous = previous;
    this.state = state;
    this.delta = delta;
    this.reported = reported;
    this.desiredCleanup = desiredCleanup;
  }

  /** The state before the delta. */
  public S previous() {
    return previous;
  }

  /** The state after the delta. */
  public S state() {
    return state;
  }

  /** The delta that was applied. */
  public ShadowDelta delta() {
    return delta;
  }

  /**
   * Whether the delta changed any value (a delta may restate current values, after a reboot for example), by
   * value: arrays compare by content.
   */
  public boolean changed() {
    return changed.getAsBoolean();
  }

  /** The partial reported document acknowledging the delta (a copy). */
  public ObjectNode reported() {
    return reported.deepCopy();
  }

  /** The desired cleanup, when stale keys must be removed from desired (a copy). */
  public Optional<ObjectNode> desiredCleanup() {
    return desiredCleanup == null ? Optional.empty() : Optional.of(desiredCleanup.deepCopy());
  }

  /**
   * The {@code state} section of the acknowledging update: {@code {"reported":{...}}}, plus {@code "desired"} when
   * there is a cleanup. Publish it as {@code {"state": acknowledgement(), "clientToken": ...}}.
   */
  public ObjectNode acknowledgement() {
    ObjectNode state = JsonNodeFactory.instance.objectNode();
    if (desiredCleanup != null) {
      state.set("desired", desiredCleanup.deepCopy());
    }
    state.set("reported", reported.deepCopy());
    return state;
  }
}
