package dev.thingbridge.twin.web;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The open event streams. A stream is opened {@link #open pending}: counted against the limit but left out
 * of {@link #broadcast} until {@link #activate} (after its first event, the snapshot, is queued), so that it
 * never sees an update before the state the update applies to. Nothing here waits on a network write.
 */
final class SseHub implements AutoCloseable {
  private final SseSettings settings;
  private final List<SseClient> all = new CopyOnWriteArrayList<>();
  private final List<SseClient> live = new CopyOnWriteArrayList<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile boolean closed;

  SseHub(SseSettings settings) {
    this.settings = settings;
  }

  SseSettings settings() {
    return settings;
  }

  /**
   * Registers a stream and starts its writer, or returns empty when {@link SseSettings#maxClients()} are
   * open (or the hub is closed); the caller then answers 503 and the sink is untouched.
   */
  Optional<SseClient> open(EventSink sink) {
    synchronized (all) {
      if (closed || all.size() >= settings.maxClients()) {
        return Optional.empty();
      }
      SseClient c = new SseClient(ids.incrementAndGet(), sink, settings, this::forget);
      all.add(c);
      c.start();
      return Optional.of(c);
    }
  }

  /** Whether one more stream may open now. */
  boolean hasRoom() {
    return !closed && all.size() < settings.maxClients();
  }

  /** From now on the client gets every broadcast. */
  void activate(SseClient client) {
    if (client.isOpen()) {
      live.add(client);
      if (!client.isOpen()) {
        live.remove(client);
      }
    }
  }

  /** Queues an encoded event for every active stream; a stream that is full is disconnected. */
  void broadcast(byte[] event) {
    for (SseClient c : live) {
      c.offer(event);
    }
  }

  /** Open streams, pending ones included. */
  int clientCount() {
    return all.size();
  }

  /** Whether any stream is open or pending (when none is, nobody needs the state read). */
  boolean isWatched() {
    return !all.isEmpty();
  }

  private void forget(SseClient c) {
    live.remove(c);
    all.remove(c);
  }

  /** Ends every stream and refuses new ones. */
  @Override
  public void close() {
    List<SseClient> open;
    synchronized (all) {
      closed = true;
      open = List.copyOf(all);
    }
    for (SseClient c : open) {
      c.close("the twin is stopping");
    }
    for (SseClient c : open) {
      try {
        c.awaitClosed(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
