package dev.thingbridge.greengrass.internal;

import dev.thingbridge.mqtt.internal.SerialExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.aws.greengrass.GreengrassCoreIPCClientV2;
import software.amazon.awssdk.eventstreamrpc.StreamResponseHandler;

/**
 * An IPC stream that outlives connections and nucleus-side closes: {@link IpcConnection} re-opens it on every
 * new connection, and it re-opens itself (with backoff) if the nucleus closes it while the connection is up.
 * Events reach the consumer in order on a serial executor over {@code thingbridge-ipc-N}.
 */
public final class DurableStream<E> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DurableStream.class);

  /** Starts one stream on a client. */
  public interface Opener<E> {
    Opened open(GreengrassCoreIPCClientV2 client, StreamResponseHandler<E> handler);
  }

  /** A started stream: the nucleus' response and how to terminate the stream. */
  public record Opened(CompletableFuture<?> response, Runnable terminate) {}

  private final IpcConnection ipc;
  private final String what;
  private final Opener<E> opener;
  private final Consumer<E> onEvent;
  private final SerialExecutor serial;
  private final Object lock = new Object();
  private Opened current;
  private long attempts;
  private long newestLink;
  private volatile boolean closed;

  DurableStream(IpcConnection ipc, String what, Opener<E> opener, Consumer<E> onEvent) {
    this.ipc = ipc;
    this.what = what;
    this.opener = opener;
    this.onEvent = onEvent;
    this.serial = new SerialExecutor(ipc.callbackExecutor());
  }

  CompletableFuture<Void> openFirst(IpcConnection.Link link) {
    return attempt(link);
  }

  private CompletableFuture<Void> attempt(IpcConnection.Link link) {
    long mine;
    synchronized (lock) {
      if (closed || link.generation() < newestLink) {
        // A retry scheduled for a connection that has since been replaced: the new one re-opened us already.
        return CompletableFuture.completedFuture(null);
      }
      newestLink = link.generation();
      mine = ++attempts;
    }
    StreamResponseHandler<E> handler = new StreamResponseHandler<>() {
      @Override
      public void onStreamEvent(E event) {
        if (isCurrent(mine)) {
          serial.execute(() -> {
            if (!closed) {
              onEvent.accept(event);
            }
          });
        }
      }

      @Override
      public boolean onStreamError(Throwable error) {
        // CRT event-loop thread: log only.
        log.warn("greengrass ipc {}: stream error: {}", what, error.toString());
        return true;
      }

      @Override
      public void onStreamClosed() {
        IpcConnection.Link now = ipc.link();
        if (!closed && isCurrent(mine) && now != null && now.generation() == link.generation()) {
          log.warn("greengrass ipc {}: the nucleus closed the stream; re-opening", what);
          reopen(now, 1);
        }
      }
    };
    Opened opened;
    try {
      opened = opener.open(link.client(), handler);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(ipc.failures().toIpc(e, what));
    }
    synchronized (lock) {
      if (closed) {
        terminateQuietly(opened);
        return CompletableFuture.completedFuture(null);
      }
      current = opened;
    }
    return ipc.bounded(opened.response(), what).handle((r, e) -> {
      if (e != null) {
        terminateQuietly(opened);
        throw ipc.failures().toIpc(e, what);
      }
      return null;
    });
  }

  /** Re-opens on {@code link}: at once for attempt 0, else after the IPC backoff's delay for that attempt. */
  void reopen(IpcConnection.Link link, int attempt) {
    if (closed) {
      return;
    }
    try {
      ipc.scheduler().schedule(() -> ipc.link() != link ? null : attempt(link).whenComplete((v, e) -> {
        if (e != null && !closed && ipc.link() == link) {
          log.warn("greengrass ipc {}: re-open failed ({}); retrying in {} ms", what, e.getMessage(),
              ipc.backoff().delay(attempt + 1).toMillis());
          reopen(link, attempt + 1);
        }
      }), attempt == 0 ? 0 : ipc.backoff().delay(attempt).toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      // The connection is closing.
    }
  }

  private boolean isCurrent(long attempt) {
    synchronized (lock) {
      return attempts == attempt;
    }
  }

  /** Terminates the stream; no further events are delivered. Idempotent. */
  @Override
  public void close() {
    Opened last;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      last = current;
      current = null;
    }
    if (last != null) {
      terminateQuietly(last);
    }
    ipc.forget(this);
  }

  private void terminateQuietly(Opened opened) {
    try {
      opened.terminate().run();
    } catch (RuntimeException e) {
      log.debug("greengrass ipc {}: terminate failed: {}", what, e.toString());
    }
  }
}
