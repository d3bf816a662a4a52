package dev.thingbridge.shadows.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;
import dev.thingbridge.shadows.store.CommitResult;
import dev.thingbridge.shadows.store.KeyValueStore;
import dev.thingbridge.shadows.store.LoadResult;
import dev.thingbridge.shadows.store.WriteBatch;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An untyped state: the shadow's values as one JSON object, stored whole under {@code {scope}/__json__} (a shadow
 * document is at most 8 KB, so one atomic write per change is cheap). Deltas merge as AWS merges updates; every
 * delta is accepted and acknowledged by reporting it back as is.
 */
public final class JsonLocalState implements LocalState<ObjectNode> {
  private static final Logger LOG = LoggerFactory.getLogger(JsonLocalState.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String KEY = "__json__";

  private final KeyValueStore store;
  private final String scope;
  private ObjectNode state;

  public JsonLocalState(KeyValueStore store, String scope) {
    this.store = Objects.requireNonNull(store, "store");
    this.scope = Objects.requireNonNull(scope, "scope");
  }

  @Override
  public LoadResult load() {
    Optional<byte[]> stored = store.get(key());
    if (stored.isPresent()) {
      try {
        JsonNode node = MAPPER.readTree(stored.get());
        if (node != null && node.isObject()) {
          state = (ObjectNode) node;
          return new LoadResult(false, false, state.size(), 0, 0, List.of());
        }
      } catch (IOException e) {
        LOG.warn("shadow {}: stored state unreadable, starting empty", scope);
      }
      state = JsonNodeFactory.instance.objectNode();
      save();
      return new LoadResult(false, false, 0, 0, 0, List.of(key()));
    }
    state = JsonNodeFactory.instance.objectNode();
    save();
    return new LoadResult(true, false, 0, 0, 0, List.of());
  }

  @Override
  public boolean isLoaded() {
    return state != null;
  }

  @Override
  public ObjectNode state() {
    requireLoaded();
    return state.deepCopy();
  }

  @Override
  public Applied<ObjectNode> apply(ObjectNode delta) {
    requireLoaded();
    if (delta == null) {
      throw new ShadowDeltaException(ShadowDeltaException.Reason.MALFORMED, "", "a delta must be an object");
    }
    ObjectNode before = state.deepCopy();
    ObjectNode after = JsonTrees.merge(state.deepCopy(), delta);
    boolean changed = !after.equals(before);
    if (changed) {
      state = after;
      save();
    }
    ObjectNode ack = JsonNodeFactory.instance.objectNode();
    ack.set("reported", delta.deepCopy());
    return new Applied<>(before, after.deepCopy(), ack, changed);
  }

  @Override
  public Change<ObjectNode> change(UnaryOperator<ObjectNode> change) {
    requireLoaded();
    ObjectNode before = state.deepCopy();
    ObjectNode after = Objects.requireNonNull(change.apply(state.deepCopy()), "the change returned null");
    ObjectNode diff = JsonTrees.diff(before, after);
    if (!diff.isEmpty()) {
      state = after.deepCopy();
      save();
    }
    return new Change<>(before, after, diff, diff.deepCopy());
  }

  @Override
  public ObjectNode fullDesired() {
    return state();
  }

  @Override
  public ObjectNode fullReported() {
    return state();
  }

  @Override
  public void wipe() {
    state = JsonNodeFactory.instance.objectNode();
    store.write(new WriteBatch().removePrefix(scope + "/").put(key(), bytes(state)));
  }

  @Override
  public CommitResult commit() {
    return new CommitResult(0, "json");
  }

  private void save() {
    store.put(key(), bytes(state));
  }

  private String key() {
    return scope + "/" + KEY;
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  private void requireLoaded() {
    if (state == null) {
      throw new IllegalStateException("call load() before using shadow " + scope);
    }
  }
}
