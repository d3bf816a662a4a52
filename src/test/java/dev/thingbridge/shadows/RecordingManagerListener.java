package dev.thingbridge.shadows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what a {@link ShadowManager} tells its listener, for assertions. */
final class RecordingManagerListener<S> implements ShadowManagerListener<S> {
  final List<String> added = new CopyOnWriteArrayList<>();
  final List<String> applied = new CopyOnWriteArrayList<>();
  final Map<String, AtomicInteger> appliedCount = new ConcurrentHashMap<>();
  final List<String> rejected = new CopyOnWriteArrayList<>();
  final List<ShadowDeltaException> rejections = new CopyOnWriteArrayList<>();
  final List<String> removed = new CopyOnWriteArrayList<>();
  final List<String> problems = new CopyOnWriteArrayList<>();
  final List<String> threads = new CopyOnWriteArrayList<>();

  @Override
  public void onShadowAdded(String id, S state) {
    added.add(id);
    threads.add(Thread.currentThread().getName());
  }

  @Override
  public void onDelta(String id, DeltaEvent<S> event) {
    applied.add(id + ":" + event.delta());
    appliedCount.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
  }

  @Override
  public void onDeltaRejected(String id, ShadowDeltaException error, ObjectNode delta) {
    rejected.add(id + ":" + error.reason() + ":" + error.path());
    rejections.add(error);
  }

  @Override
  public void onShadowRemoved(String id, Removal cause) {
    removed.add(id + ":" + cause);
  }

  @Override
  public void onProblem(String id, String what, Throwable cause) {
    problems.add(id + ": " + what + ": " + cause);
  }

  int applied(String id) {
    AtomicInteger n = appliedCount.get(id);
    return n == null ? 0 : n.get();
  }
}
