package dev.thingbridge.shadows.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands applied deltas to readers: a reader's future is completed with the next item, or the item waits in a
 * bounded buffer. A reader that gave up (cancelled, timed out) is skipped without losing the item: an item is
 * handed to a waiter only if completing that waiter's future succeeds, else it goes to the next one or the buffer.
 *
 * @param <E> the item type
 */
public final class DeltaInbox<E> {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaInbox.class);

  private final int capacity;
  private final Deque<E> buffered = new ArrayDeque<>();
  private final Deque<CompletableFuture<E>> waiters = new ArrayDeque<>();
  private long dropped;
  private Throwable closed;

  public DeltaInbox(int capacity) {
    this.capacity = capacity;
  }

  /** Registers a reader: completes it now with a buffered item, or when the next item arrives. */
  public void register(CompletableFuture<E> reader) {
    E ready;
    synchronized (this) {
      if (closed != null) {
        ready = null;
      } else if (buffered.isEmpty()) {
        waiters.add(reader);
        reader.whenComplete((v, e) -> forget(reader));
        return;
      } else {
        ready = buffered.poll();
      }
    }
    if (ready == null) {
      reader.completeExceptionally(closed);
    } else if (!reader.complete(ready)) {
      offerFirst(ready);
    }
  }

  /** Delivers an item to the oldest live reader, or buffers it (dropping the oldest buffered one when full). */
  public void offer(E item) {
    while (true) {
      CompletableFuture<E> reader;
      synchronized (this) {
        if (closed != null) {
          return;
        }
        reader = waiters.poll();
        if (reader == null) {
          if (buffered.size() >= capacity) {
            buffered.poll();
            dropped++;
            LOG.debug("delta inbox full: oldest unread delta dropped ({} so far)", dropped);
          }
          buffered.add(item);
          return;
        }
      }
      if (reader.complete(item)) {
        return;
      }
    }
  }

  private void offerFirst(E item) {
    CompletableFuture<E> reader;
    synchronized (this) {
      reader = waiters.poll();
      if (reader == null) {
        buffered.addFirst(item);
        return;
      }
    }
    if (!reader.complete(item)) {
      offerFirst(item);
    }
  }

  /** Items buffered and not yet read. */
  public synchronized int buffered() {
    return buffered.size();
  }

  /** Items dropped because nobody read them and the buffer was full. */
  public synchronized long dropped() {
    return dropped;
  }

  /** Fails every waiting reader and every later one with {@code cause}. */
  public void close(Throwable cause) {
    Deque<CompletableFuture<E>> toFail;
    synchronized (this) {
      if (closed != null) {
        return;
      }
      closed = cause;
      toFail = new ArrayDeque<>(waiters);
      waiters.clear();
      buffered.clear();
    }
    toFail.forEach(r -> r.completeExceptionally(cause));
  }

  private synchronized void forget(CompletableFuture<E> reader) {
    waiters.remove(reader);
  }
}
