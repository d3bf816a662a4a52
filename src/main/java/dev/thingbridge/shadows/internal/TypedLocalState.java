package dev.thingbridge.shadows.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.schema.AppliedDelta;
import dev.thingbridge.shadows.schema.ShadowDelta;
import dev.thingbridge.shadows.schema.ShadowSchema;
import dev.thingbridge.shadows.store.CommitResult;
import dev.thingbridge.shadows.store.LoadResult;
import dev.thingbridge.shadows.store.ShadowStateStore;
import java.util.Objects;
import java.util.function.UnaryOperator;

/** A typed state kept field by field by a {@link ShadowStateStore}. */
public final class TypedLocalState<S> implements LocalState<S> {
  private final ShadowStateStore<S> store;
  private final boolean ignoreUnknownFields;
  private boolean loaded;

  /**
   * @param ignoreUnknownFields skip delta keys the type does not have (a newer firmware's config) instead of
   *     rejecting the delta
   */
  public TypedLocalState(ShadowStateStore<S> store, boolean ignoreUnknownFields) {
    this.store = store;
    this.ignoreUnknownFields = ignoreUnknownFields;
  }

  public ShadowSchema<S> schema() {
    return store.schema();
  }

  @Override
  public LoadResult load() {
    LoadResult r = store.load();
    loaded = true;
    return r;
  }

  @Override
  public boolean isLoaded() {
    return loaded;
  }

  @Override
  public S state() {
    return store.state();
  }

  @Override
  public Applied<S> apply(ObjectNode delta) {
    S current = store.state();
    ShadowDelta parsed = ignoreUnknownFields ? store.schema().parseDeltaIgnoringUnknown(delta, current)
        : store.schema().parseDelta(delta, current);
    AppliedDelta<S> applied = store.apply(parsed);
    return new Applied<>(applied.previous(), applied.state(), applied.acknowledgement(), applied.changed());
  }

  @Override
  public Change<S> change(UnaryOperator<S> change) {
    S before = store.state();
    S after = Objects.requireNonNull(change.apply(before), "the change returned null");
    ObjectNode reported = store.report(after);
    ObjectNode desired = JsonTrees.restrictTo(reported, store.schema().desired(after));
    return new Change<>(before, store.state(), reported, desired);
  }

  @Override
  public ObjectNode fullDesired() {
    return store.schema().desired(store.state());
  }

  @Override
  public ObjectNode fullReported() {
    return store.schema().reported(store.state());
  }

  @Override
  public void wipe() {
    store.delete();
  }

  @Override
  public CommitResult commit() {
    return store.commit();
  }
}
