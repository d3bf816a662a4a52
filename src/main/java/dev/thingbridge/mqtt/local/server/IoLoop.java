package dev.thingbridge.mqtt.local.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread. It owns the connections registered with it: their reads, writes and deadlines run
 * here and nowhere else, so a connection's state needs no lock. Other threads hand work in with {@link
 * #execute}. A tick every {@link #TICK_MILLIS} checks keep-alive and connect deadlines.
 */
final class IoLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(IoLoop.class);
  static final long TICK_MILLIS = 100;
  /** Shared by every connection of this loop: a read is consumed completely before the next one. */
  private static final int READ_BUFFER_BYTES = 64 * 1024;

  /** What the loop calls on a registered channel. */
  interface Handler {
    void onReady(SelectionKey key);

    /** Called every tick with the current {@link System#nanoTime()}. */
    default void onTick(long now) {}

    /** The loop is stopping: release the channel. */
    void onLoopClosed();

    /** The handler threw (a bug): release the channel; the loop and its other handlers carry on. */
    default void onFailure(RuntimeException e) {
      onLoopClosed();
    }
  }

  private final Selector selector;
  private final Thread thread;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final List<Handler> handlers = new ArrayList<>();
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;

  IoLoop(String threadName) throws IOException {
    this.selector = Selector.open();
    this.thread = new Thread(this, threadName);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Whether the caller is this loop's thread. */
  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Runs {@code task} on the loop thread, soon. Safe from any thread; dropped once the loop stopped. */
  void execute(Runnable task) {
    tasks.add(task);
    if (!inLoop() && wakeupPending.compareAndSet(false, true)) {
      selector.wakeup();
    }
  }

  /** The read buffer every connection of this loop shares; loop thread only. */
  ByteBuffer readBuffer() {
    return readBuffer;
  }

  /** Registers a channel; loop thread only. */
  SelectionKey register(SelectableChannel channel, int ops, Handler handler) throws IOException {
    SelectionKey key = channel.register(selector, ops, handler);
    handlers.add(handler);
    return key;
  }

  /** Forgets a handler whose channel is closed; loop thread only. */
  void unregister(Handler handler) {
    handlers.remove(handler);
  }

  /** Number of handlers registered (connections, and the acceptor on the first loop). */
  int handlerCount() {
    return handlers.size();
  }

  @Override
  public void run() {
    long nextTick = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
    try {
      while (running) {
        long wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextTick - System.nanoTime()));
        selector.select(wait);
        wakeupPending.set(false);
        for (SelectionKey key : selector.selectedKeys()) {
          dispatch(key);
        }
        selector.selectedKeys().clear();
        runTasks();
        long now = System.nanoTime();
        if (now - nextTick >= 0) {
          nextTick = now + TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
          for (Handler h : List.copyOf(handlers)) {
            h.onTick(now);
          }
        }
      }
    } catch (IOException | ClosedSelectorException e) {
      log.error("mqtt server: I/O loop {} failed: {}", thread.getName(), e.toString());
    } finally {
      runTasks();
      for (Handler h : List.copyOf(handlers)) {
        h.onLoopClosed();
      }
      handlers.clear();
      try {
        selector.close();
      } catch (IOException e) {
        log.debug("mqtt server: closing the selector failed: {}", e.toString());
      }
      stopped.countDown();
    }
  }

  private void dispatch(SelectionKey key) {
    try {
      ((Handler) key.attachment()).onReady(key);
    } catch (CancelledKeyException closed) {
      // the handler closed its channel while handling an earlier event
    } catch (RuntimeException e) {
      // A bug in one connection must not stop the loop and every other connection with it.
      log.error("mqtt server: a connection handler failed", e);
      ((Handler) key.attachment()).onFailure(e);
    }
  }

  private void runTasks() {
    Runnable task;
    while ((task = tasks.poll()) != null) {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("mqtt server: a task on the I/O loop failed", e);
      }
    }
  }

  /** Stops the loop: handlers release their channels on the loop thread. Waits up to {@code timeoutMillis}. */
  boolean stop(long timeoutMillis) throws InterruptedException {
    running = false;
    selector.wakeup();
    if (inLoop()) {
      return true;
    }
    return stopped.await(timeoutMillis, TimeUnit.MILLISECONDS);
  }
}
