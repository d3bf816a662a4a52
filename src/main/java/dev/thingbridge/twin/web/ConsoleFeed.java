package dev.thingbridge.twin.web;

import dev.thingbridge.twin.TwinChange;
import dev.thingbridge.twin.TwinChangeListener;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what the twin commits into events for the open pages, on its own thread ({@code
 * thingbridge-twin-web-feed}). The twin's committing thread only records which items changed and returns;
 * this thread reads each changed item once (however often it changed meanwhile) and queues the event for
 * every page; a page that just connected first gets a snapshot. Nothing is read while no page is open.
 *
 * <p>Events carry an item's whole current state, so a page that applies them in order ends where the twin
 * is: a change committed while a snapshot is read is either in it or read again after it.
 */
final class ConsoleFeed implements TwinChangeListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsoleFeed.class);
  /** More changed items than this waiting, and every page gets a fresh snapshot instead. */
  static final int MAX_PENDING_KEYS = 10_000;

  private final TwinView view;
  private final SseHub hub;
  private final Thread thread;
  private final Object lock = new Object();
  private LinkedHashSet<ChangeKey> pending = new LinkedHashSet<>();
  private List<SseClient> joining = new ArrayList<>();
  private boolean resyncAll;
  private boolean closed;

  ConsoleFeed(TwinView view, SseHub hub) {
    this.view = view;
    this.hub = hub;
    this.thread = new Thread(this::run, "thingbridge-twin-web-feed");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** A page connected: it gets a snapshot, then every change. */
  void join(SseClient client) {
    synchronized (lock) {
      joining.add(client);
      lock.notifyAll();
    }
  }

  @Override
  public void onCommitted(List<TwinChange> changes) {
    if (!hub.isWatched()) {
      return;
    }
    synchronized (lock) {
      for (TwinChange c : changes) {
        pending.addAll(ChangeKey.of(c));
      }
      if (pending.size() > MAX_PENDING_KEYS) {
        pending.clear();
        resyncAll = true;
      }
      lock.notifyAll();
    }
  }

  private void run() {
    while (true) {
      LinkedHashSet<ChangeKey> keys;
      List<SseClient> joined;
      boolean resync;
      synchronized (lock) {
        while (!closed && pending.isEmpty() && joining.isEmpty() && !resyncAll) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
        keys = pending;
        joined = joining;
        resync = resyncAll;
        pending = new LinkedHashSet<>();
        joining = new ArrayList<>();
        resyncAll = false;
      }
      try {
        publish(keys, joined, resync);
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        log.warn("twin web console: could not read the twin's state: {}", e.toString());
        joined.forEach(c -> c.close("the twin's state could not be read"));
      }
    }
  }

  private void publish(LinkedHashSet<ChangeKey> keys, List<SseClient> joined, boolean resync) {
    if (resync) {
      hub.broadcast(view.snapshot().encode());
    } else {
      for (ChangeKey k : keys) {
        Optional<ConsoleEvent> e = readQuietly(k);
        e.ifPresent(event -> hub.broadcast(event.encode()));
      }
    }
    if (!joined.isEmpty()) {
      byte[] snapshot = view.snapshot().encode();
      for (SseClient c : joined) {
        if (c.offer(snapshot)) {
          hub.activate(c);
        }
      }
    }
  }

  private Optional<ConsoleEvent> readQuietly(ChangeKey key) {
    try {
      return view.read(key);
    } catch (RuntimeException e) {
      if (closed) {
        throw e;
      }
      log.debug("twin web console: {} not read: {}", key, e.toString());
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    thread.interrupt();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
