package dev.thingbridge.twin.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser's event stream: a bounded buffer of encoded events and the thread that writes them
 * ({@code thingbridge-twin-web-sse-N}). Whoever {@link #offer}s never waits for the network: a client whose
 * buffer is full is disconnected instead, and its browser reconnects for a fresh snapshot. Closing interrupts
 * the writer, which also ends a write stuck on a peer that stopped reading (the JDK server's socket channel
 * is closed by the interrupt).
 */
final class SseClient {
  private static final Logger log = LoggerFactory.getLogger(SseClient.class);
  private static final byte[] HEARTBEAT = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

  private final long id;
  private final EventSink sink;
  private final SseSettings settings;
  private final Consumer<SseClient> onClosed;
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  private final Thread writer;
  private long queuedBytes;
  private boolean closed;
  private String closeReason;
  /** Closed by another thread than the writer: ending the response must not wait on the peer. */
  private boolean closedFromOutside;

  /**
   * @param onClosed called once, on the writer thread, when the stream has ended for whatever reason
   */
  SseClient(long id, EventSink sink, SseSettings settings, Consumer<SseClient> onClosed) {
    this.id = id;
    this.sink = sink;
    this.settings = settings;
    this.onClosed = onClosed;
    this.writer = new Thread(this::writeLoop, "thingbridge-twin-web-sse-" + id);
    this.writer.setDaemon(true);
  }

  long id() {
    return id;
  }

  void start() {
    writer.start();
  }

  /**
   * Queues an encoded event. Never blocks.
   *
   * @return false if the client is closed, or was just closed because its buffer is full
   */
  boolean offer(byte[] event) {
    synchronized (this) {
      if (closed) {
        return false;
      }
      boolean full = queue.size() >= settings.maxQueuedEvents()
          || !queue.isEmpty() && queuedBytes + event.length > settings.maxQueuedBytes();
      if (!full) {
        queue.add(event);
        queuedBytes += event.length;
        notifyAll();
        return true;
      }
    }
    String reason = "it fell behind by more than " + settings.maxQueuedEvents() + " events or "
        + settings.maxQueuedBytes() + " bytes";
    log.info("twin web console: event stream {} disconnected, {}; the browser reconnects for a fresh snapshot",
        id, reason);
    close(reason);
    return false;
  }

  /** Events waiting to be written. */
  synchronized int queued() {
    return queue.size();
  }

  synchronized boolean isOpen() {
    return !closed;
  }

  /** Drops what is queued and ends the stream; returns at once (the writer closes the response). */
  void close(String reason) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      closeReason = reason;
      closedFromOutside = Thread.currentThread() != writer;
      queue.clear();
      queuedBytes = 0;
      notifyAll();
    }
    if (Thread.currentThread() != writer) {
      writer.interrupt();
    }
  }

  /** Waits for the writer to finish (tests, shutdown). */
  boolean awaitClosed(long millis) throws InterruptedException {
    writer.join(millis);
    return !writer.isAlive();
  }

  private void writeLoop() {
    try {
      while (true) {
        byte[] next = take();
        if (next == null) {
          break;
        }
        sink.write(next);
      }
    } catch (IOException e) {
      close("the browser went away (" + e.getMessage() + ")");
    } catch (InterruptedException e) {
      close("interrupted");
    } catch (RuntimeException e) {
      close("writing failed: " + e);
    } finally {
      String reason;
      boolean abrupt;
      synchronized (this) {
        reason = closeReason;
        abrupt = closedFromOutside;
      }
      if (abrupt) {
        // Interrupted, the end of the response cannot block on a peer that stopped reading: the interrupt
        // closes the channel instead of writing to it.
        Thread.currentThread().interrupt();
      }
      sink.close();
      Thread.interrupted();
      log.debug("twin web console: event stream {} closed: {}", id, reason);
      onClosed.accept(this);
    }
  }

  /** The next event, a heartbeat after a silence, or null once closed. */
  private byte[] take() throws InterruptedException {
    long waitMillis = settings.heartbeat().toMillis();
    synchronized (this) {
      long deadline = System.currentTimeMillis() + waitMillis;
      while (!closed && queue.isEmpty()) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return HEARTBEAT;
        }
        wait(left);
      }
      if (closed) {
        return null;
      }
      byte[] e = queue.poll();
      queuedBytes -= e.length;
      return e;
    }
  }
}
