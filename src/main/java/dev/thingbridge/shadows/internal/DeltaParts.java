package dev.thingbridge.shadows.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Applies a delta part by part: when the state type rejects a part (an unknown field, a wrong type, a bad variant),
 * that part is left out and the rest applied, up to {@value #MAX_REJECTED_PARTS} parts. Each rejected part is
 * reported once per document version (a GET at the version of a delta already applied brings the same parts again)
 * and, when asked, removed from the cloud's desired state by the acknowledgement's cleanup. Owner's thread only.
 */
public final class DeltaParts {
  private static final int MAX_REJECTED_PARTS = 16;

  /**
   * What was applied.
   *
   * @param applied the state change and its acknowledgement, or null when every part was rejected
   * @param remaining the delta less its rejected parts
   * @param cleanup the desired section removing the rejected keys (empty when there is none to remove)
   */
  public record Outcome<S>(LocalState.Applied<S> applied, ObjectNode remaining, ObjectNode cleanup) {}

  private long rejectedVersion = -1;
  private final Set<String> rejectedPaths = new HashSet<>();

  /**
   * @param rejected told of each rejected part the first time it is seen at this version, with the whole delta
   * @throws dev.thingbridge.shadows.store.ShadowStoreException if the state could not be saved: nothing applied
   */
  public <S> Outcome<S> apply(LocalState<S> local, ObjectNode delta, long version, boolean clearRejected,
      BiConsumer<ShadowDeltaException, ObjectNode> rejected) {
    ObjectNode remaining = delta;
    ObjectNode cleanup = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < MAX_REJECTED_PARTS && !remaining.isEmpty(); i++) {
      try {
        return new Outcome<>(local.apply(remaining), remaining, cleanup);
      } catch (ShadowDeltaException e) {
        if (firstRejection(version, e.path())) {
          rejected.accept(e, delta.deepCopy());
        }
        if (e.path().isEmpty()) {
          break;
        }
        if (clearRejected) {
          JsonTrees.mergeKeepingNulls(cleanup, JsonTrees.nullAt(e.path()));
        }
        remaining = JsonTrees.without(remaining, e.path());
      }
    }
    return new Outcome<>(null, remaining, cleanup);
  }

  private boolean firstRejection(long version, String path) {
    if (version != rejectedVersion) {
      rejectedVersion = version;
      rejectedPaths.clear();
    }
    return rejectedPaths.add(path);
  }
}
