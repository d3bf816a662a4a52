package dev.thingbridge.shadows.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** An ordered set of puts and removals that a {@link KeyValueStore} applies all at once. Not thread-safe. */
public final class WriteBatch {
  /** One change. */
  public sealed interface Op {}

  /** Stores {@code value} under {@code key}. */
  public record Put(String key, byte[] value) implements Op {
    public Put {
      checkKey(key);
      Objects.requireNonNull(value, "value");
    }
  }

  /** Removes {@code key} if present. */
  public record Remove(String key) implements Op {
    public Remove {
      checkKey(key);
    }
  }

  /** Removes every key starting with {@code prefix} that exists when the batch is applied. */
  public record RemovePrefix(String prefix) implements Op {
    public RemovePrefix {
      checkKey(prefix);
    }
  }

  private final List<Op> ops = new ArrayList<>();

  public WriteBatch put(String key, byte[] value) {
    ops.add(new Put(key, value.clone()));
    return this;
  }

  public WriteBatch put(String key, String value) {
    ops.add(new Put(key, value.getBytes(StandardCharsets.UTF_8)));
    return this;
  }

  public WriteBatch remove(String key) {
    ops.add(new Remove(key));
    return this;
  }

  public WriteBatch removePrefix(String prefix) {
    ops.add(new RemovePrefix(prefix));
    return this;
  }

  /** Appends another batch's changes after this one's. */
  public WriteBatch addAll(WriteBatch other) {
    ops.addAll(other.ops);
    return this;
  }

  public List<Op> ops() {
    return Collections.unmodifiableList(ops);
  }

  public boolean isEmpty() {
    return ops.isEmpty();
  }

  private static void checkKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("empty key");
    }
  }
}
