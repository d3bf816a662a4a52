package dev.thingbridge.greengrass.internal;

import dev.thingbridge.internal.Backoff;
import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.mqtt.ConnectionListener;
import dev.thingbridge.mqtt.internal.SerialExecutor;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.aws.greengrass.GreengrassCoreIPCClient;
import software.amazon.awssdk.aws.greengrass.GreengrassCoreIPCClientV2;
import software.amazon.awssdk.crt.io.ClientBootstrap;
import software.amazon.awssdk.crt.io.EventLoopGroup;
import software.amazon.awssdk.crt.io.SocketOptions;
import software.amazon.awssdk.eventstreamrpc.EventStreamRPCConnection;
import software.amazon.awssdk.eventstreamrpc.EventStreamRPCConnectionConfig;
import software.amazon.awssdk.eventstreamrpc.GreengrassConnectMessageSupplier;

/**
 * The supervised Greengrass IPC connection under the public {@code GreengrassIpc}: the SDK's
 * {@code GreengrassCoreIPCClientV2} on the component's Unix socket plus what the SDK leaves out.
 *
 * <ul>
 *   <li>A supervisor notices when the connection closes, reports {@link ConnectionListener#onDisconnected},
 *       rebuilds the client with exponential backoff and jitter, re-opens every {@link DurableStream}, then
 *       reports {@link ConnectionListener#onConnected onConnected(false)}: the nucleus keeps no state for a new
 *       connection.
 *   <li>Every operation is asynchronous and bounded by the operation timeout; the SDK's blocking calls, which
 *       wait forever, are never used.
 *   <li>Stream events are dispatched by one named thread ({@code thingbridge-ipc-dispatch}) so they stay in
 *       order (the SDK's default pool reorders them); callbacks and future completions run on {@code
 *       thingbridge-ipc-N}, never on the CRT event loop.
 * </ul>
 */
public final class IpcConnection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IpcConnection.class);

  private final Settings settings;
  private final IpcFailures failures;
  private final EventLoopGroup eventLoop;
  private final ClientBootstrap bootstrap;
  private final SocketOptions socketOptions;
  private final ExecutorService dispatch;
  private final ExecutorService callbacks;
  private final ScheduledExecutorService supervisor;
  /** Listener calls in order: a loss is always reported before the reconnect that follows it. */
  private final SerialExecutor notifications;
  private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();
  private final List<DurableStream<?>> streams = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private volatile Link link;
  private long generation;
  private volatile boolean closed;

  /**
   * What to connect to and how patiently; checked by the public builder.
   *
   * @param socketPath the nucleus socket (may be relative to the working directory)
   * @param authToken the component's IPC token; never logged
   */
  public record Settings(String socketPath, String authToken, Duration connectTimeout, Duration operationTimeout,
      Backoff backoff) {
    public Settings {
      Objects.requireNonNull(socketPath, "socketPath");
      Objects.requireNonNull(authToken, "authToken");
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      Objects.requireNonNull(operationTimeout, "operationTimeout");
      Objects.requireNonNull(backoff, "backoff");
    }

    @Override
    public String toString() {
      return "IpcConnection.Settings[socket=" + socketPath + ", token=***]";
    }
  }

  /** A connected client and the connection under it; replaced as a whole on reconnect. */
  public record Link(EventStreamRPCConnection connection, GreengrassCoreIPCClientV2 client, long generation) {}

  private IpcConnection(Settings settings, IpcFailures failures) {
    this.settings = settings;
    this.failures = Objects.requireNonNull(failures, "failures");
    this.eventLoop = new EventLoopGroup(1);
    this.bootstrap = new ClientBootstrap(eventLoop, null);
    this.socketOptions = new SocketOptions();
    socketOptions.connectTimeoutMs = (int) settings.connectTimeout().toMillis();
    socketOptions.domain = SocketOptions.SocketDomain.LOCAL;
    socketOptions.type = SocketOptions.SocketType.STREAM;
    this.dispatch = Executors.newSingleThreadExecutor(new NamedThreadFactory("thingbridge-ipc-dispatch", true));
    this.callbacks = Executors.newCachedThreadPool(new NamedThreadFactory("thingbridge-ipc", true));
    ScheduledThreadPoolExecutor s =
        new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("thingbridge-ipc-supervisor", true));
    s.setRemoveOnCancelPolicy(true);
    this.supervisor = s;
    this.notifications = new SerialExecutor(callbacks);
  }

  /**
   * Connects, waiting at most the connect timeout; on failure everything opened so far is closed.
   *
   * @throws RuntimeException what {@code failures} makes of a refused token or an unreachable socket
   */
  public static IpcConnection connect(Settings settings, IpcFailures failures) {
    IpcConnection connection = new IpcConnection(settings, failures);
    try {
      connection.link = connection.open(connection.nextGeneration());
      log.info("greengrass ipc connected to {}", settings.socketPath());
      return connection;
    } catch (RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  // ---- connection and supervision ----

  private long nextGeneration() {
    synchronized (lock) {
      return ++generation;
    }
  }

  private Link open(long gen) {
    EventStreamRPCConnectionConfig config = new EventStreamRPCConnectionConfig(
        bootstrap, eventLoop, socketOptions, null, settings.socketPath(), 0,
        GreengrassConnectMessageSupplier.connectMessageSupplier(settings.authToken()));
    EventStreamRPCConnection connection = new EventStreamRPCConnection(config);
    CompletableFuture<Void> connected = connection.connect(new EventStreamRPCConnection.LifecycleHandler() {
      @Override
      public void onConnect() {}

      @Override
      public void onDisconnect(int errorCode) {
        // CRT event-loop thread: hand over at once.
        supervise(() -> connectionLost(gen, "connection closed (error code " + errorCode + ")"));
      }

      @Override
      public boolean onError(Throwable t) {
        supervise(() -> connectionLost(gen, "connection error: " + t));
        return true;
      }
    });
    try {
      connected.get(settings.connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
      GreengrassCoreIPCClientV2 client = GreengrassCoreIPCClientV2.builder()
          .withClient(new GreengrassCoreIPCClient(connection))
          .withExecutor(dispatch)
          .build();
      return new Link(connection, client, gen);
    } catch (InterruptedException e) {
      connection.close();
      Thread.currentThread().interrupt();
      throw failures.notConnected("interrupted while connecting", null);
    } catch (ExecutionException | TimeoutException | IOException | RuntimeException e) {
      connection.close();
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      boolean denied = cause != null && cause.getClass().getSimpleName().contains("AccessDenied");
      String message = "cannot connect to the Greengrass nucleus at " + settings.socketPath() + ": "
          + (denied ? "the IPC token was refused" : String.valueOf(cause));
      throw denied ? failures.unauthorized(message, cause) : failures.notConnected(message, cause);
    }
  }

  private void supervise(Runnable task) {
    try {
      supervisor.execute(task);
    } catch (RejectedExecutionException closing) {
      // Closed: nothing to supervise any more.
    }
  }

  private void connectionLost(long gen, String reason) {
    Link lost;
    synchronized (lock) {
      lost = link;
      if (closed || lost == null || lost.generation() != gen) {
        return;
      }
      link = null;
    }
    log.warn("greengrass ipc: {}; reconnecting", reason);
    lost.connection().close();
    for (ConnectionListener l : listeners) {
      notifications.execute(() -> l.onDisconnected("greengrass ipc " + reason));
    }
    scheduleReconnect(1);
  }

  private void scheduleReconnect(int attempt) {
    long jittered = settings.backoff().jittered(attempt).toMillis();
    try {
      supervisor.schedule(() -> reconnect(attempt), jittered, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      // Closed while reconnecting.
    }
  }

  private void reconnect(int attempt) {
    if (closed) {
      return;
    }
    Link fresh;
    try {
      fresh = open(nextGeneration());
    } catch (RuntimeException e) {
      log.info("greengrass ipc: reconnect failed ({}); next attempt in about {} ms", e.getMessage(),
          settings.backoff().delay(attempt + 1).toMillis());
      scheduleReconnect(attempt + 1);
      return;
    }
    synchronized (lock) {
      if (closed) {
        fresh.connection().close();
        return;
      }
      link = fresh;
    }
    log.info("greengrass ipc reconnected to {}", settings.socketPath());
    for (DurableStream<?> s : streams) {
      s.reopen(fresh, 0);
    }
    for (ConnectionListener l : listeners) {
      notifications.execute(() -> l.onConnected(false));
    }
  }

  /** Observes the connection: lost, and rebuilt (always without session: the nucleus keeps none). */
  public void addConnectionListener(ConnectionListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Whether the connection is up right now. */
  public boolean isConnected() {
    return link != null && !closed;
  }

  /** The operation timeout every call is bounded by. */
  public Duration operationTimeout() {
    return settings.operationTimeout();
  }

  /** The live link; null while reconnecting. */
  public Link link() {
    return link;
  }

  /** The pool callbacks and future completions run on ({@code thingbridge-ipc-N}). */
  public ExecutorService callbackExecutor() {
    return callbacks;
  }

  /** The supervisor's timer, for timeouts and delayed re-opens. */
  public ScheduledExecutorService scheduler() {
    return supervisor;
  }

  /** The reconnect backoff, also used to pace stream re-opens. */
  public Backoff backoff() {
    return settings.backoff();
  }

  /** How failures are reported. */
  public IpcFailures failures() {
    return failures;
  }

  // ---- operations ----

  /**
   * Runs one IPC call against the live client: fails at once when disconnected or closed, is bounded by the
   * operation timeout, maps errors with {@link IpcFailures#toIpc} and completes on {@code thingbridge-ipc}.
   */
  public <T> CompletableFuture<T> call(String operation,
      Function<GreengrassCoreIPCClientV2, CompletableFuture<T>> rpc) {
    if (closed) {
      return CompletableFuture.failedFuture(failures.closed(operation + ": greengrass ipc is closed"));
    }
    Link current = link;
    if (current == null) {
      return CompletableFuture.failedFuture(
          failures.notConnected(operation + ": greengrass ipc is reconnecting", null));
    }
    CompletableFuture<T> source;
    try {
      source = rpc.apply(current.client());
    } catch (RuntimeException e) {
      source = CompletableFuture.failedFuture(e);
    }
    return bounded(source, operation);
  }

  /** {@code source} bounded by the operation timeout, its errors mapped, completed on {@code thingbridge-ipc}. */
  public <T> CompletableFuture<T> bounded(CompletableFuture<T> source, String operation) {
    CompletableFuture<T> out = new CompletableFuture<>();
    try {
      var timeout = supervisor.schedule(() -> {
        if (out.completeExceptionally(failures.timeout(operation + ": no answer from the nucleus within "
            + settings.operationTimeout().toMillis() + " ms"))) {
          source.cancel(false);
        }
      }, settings.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
      out.whenComplete((v, e) -> timeout.cancel(false));
    } catch (RejectedExecutionException closing) {
      out.completeExceptionally(failures.closed(operation + ": greengrass ipc is closed"));
      return out;
    }
    source.whenCompleteAsync((v, e) -> {
      if (e == null) {
        out.complete(v);
      } else {
        out.completeExceptionally(failures.toIpc(e, operation));
      }
    }, callbacks);
    return out;
  }

  /** Opens a stream that is re-opened after every reconnect; completes when the nucleus answered the first open. */
  public <E> CompletableFuture<DurableStream<E>> durable(String what, DurableStream.Opener<E> opener,
      Consumer<E> onEvent) {
    DurableStream<E> stream = new DurableStream<>(this, what, opener, onEvent);
    streams.add(stream);
    Link current = link;
    if (current == null) {
      streams.remove(stream);
      return CompletableFuture.failedFuture(failures.notConnected(what + ": greengrass ipc is reconnecting", null));
    }
    return stream.openFirst(current).thenApply(v -> stream).whenComplete((s, e) -> {
      if (e != null) {
        streams.remove(stream);
      }
    });
  }

  void forget(DurableStream<?> stream) {
    streams.remove(stream);
  }

  /** Closes the connection, every stream and every thread this instance owns. Idempotent. */
  @Override
  public void close() {
    Link last;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      last = link;
      link = null;
    }
    for (DurableStream<?> s : streams) {
      s.close();
    }
    streams.clear();
    if (last != null) {
      last.connection().close();
    }
    supervisor.shutdownNow();
    dispatch.shutdown();
    callbacks.shutdown();
    try {
      dispatch.awaitTermination(1, TimeUnit.SECONDS);
      callbacks.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dispatch.shutdownNow();
    callbacks.shutdownNow();
    socketOptions.close();
    bootstrap.close();
    eventLoop.close();
  }
}
