package dev.thingbridge.greengrass;

import dev.thingbridge.internal.Backoff;
import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.mqtt.ConnectionListener;
import dev.thingbridge.mqtt.internal.SerialExecutor;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * The one Greengrass IPC connection of the process (the nucleus' {@code GreengrassCoreIPCClientV2} on the
 * component's Unix socket), shared by {@link IpcMqttClient} and the component's lifecycle and configuration
 * calls. AWS recommends one IPC client per process; this class is that client plus what the SDK leaves out.
 *
 * <ul>
 *   <li>A supervisor notices when the connection closes, reports {@link ConnectionListener#onDisconnected},
 *       rebuilds the client with exponential backoff and jitter, re-opens every {@link IpcStream}, then reports
 *       {@link ConnectionListener#onConnected onConnected(false)}: the nucleus keeps no state for a new
 *       connection.
 *   <li>Every operation is asynchronous and bounded by the operation timeout; the SDK's blocking calls, which
 *       wait forever, are never used.
 *   <li>Stream events are dispatched by one named thread ({@code thingbridge-ipc-dispatch}) so they stay in
 *       order (the SDK's default pool reorders them); callbacks and future completions run on {@code
 *       thingbridge-ipc-N}, never on the CRT event loop.
 * </ul>
 *
 * <p>Failures complete futures with {@link GreengrassIpcException}. See <a
 * href="https://docs.aws.amazon.com/greengrass/v2/developerguide/interprocess-communication.html">Greengrass
 * IPC</a>.
 */
public final class GreengrassIpc implements AutoCloseable {
  /** The socket path environment variable the nucleus sets for every lifecycle script. */
  public static final String SOCKET_ENV = "AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT";
  /** The component's secret IPC token, set by the nucleus. */
  public static final String TOKEN_ENV = "SVCUID";

  private static final Logger log = LoggerFactory.getLogger(GreengrassIpc.class);

  private final Builder settings;
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

  /** A connected client and the connection under it; replaced as a whole on reconnect. */
  record Link(EventStreamRPCConnection connection, GreengrassCoreIPCClientV2 client, long generation) {}

  private GreengrassIpc(Builder settings) {
    this.settings = settings;
    this.eventLoop = new EventLoopGroup(1);
    this.bootstrap = new ClientBootstrap(eventLoop, null);
    this.socketOptions = new SocketOptions();
    socketOptions.connectTimeoutMs = (int) settings.connectTimeout.toMillis();
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

  /** A builder; {@link Builder#fromEnvironment} fills it from the nucleus' environment variables. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the process runs under a Greengrass nucleus: both {@link #SOCKET_ENV} and {@link #TOKEN_ENV} set. */
  public static boolean insideGreengrass(Map<String, String> environment) {
    return notBlank(environment.get(SOCKET_ENV)) && notBlank(environment.get(TOKEN_ENV));
  }

  // ---- connection and supervision ----

  private void connectFirst() {
    try {
      Link first = open(nextGeneration());
      link = first;
      log.info("greengrass ipc connected to {}", settings.socketPath);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private long nextGeneration() {
    synchronized (lock) {
      return ++generation;
    }
  }

  private Link open(long gen) {
    EventStreamRPCConnectionConfig config = new EventStreamRPCConnectionConfig(
        bootstrap, eventLoop, socketOptions, null, settings.socketPath, 0,
        GreengrassConnectMessageSupplier.connectMessageSupplier(settings.authToken));
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
      connected.get(settings.connectTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      GreengrassCoreIPCClientV2 client = GreengrassCoreIPCClientV2.builder()
          .withClient(new GreengrassCoreIPCClient(connection))
          .withExecutor(dispatch)
          .build();
      return new Link(connection, client, gen);
    } catch (InterruptedException e) {
      connection.close();
      Thread.currentThread().interrupt();
      throw new GreengrassIpcException(GreengrassIpcException.Kind.NOT_CONNECTED, "interrupted while connecting");
    } catch (ExecutionException | TimeoutException | IOException | RuntimeException e) {
      connection.close();
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      boolean denied = cause != null && cause.getClass().getSimpleName().contains("AccessDenied");
      throw new GreengrassIpcException(
          denied ? GreengrassIpcException.Kind.UNAUTHORIZED : GreengrassIpcException.Kind.NOT_CONNECTED,
          "cannot connect to the Greengrass nucleus at " + settings.socketPath + ": "
              + (denied ? "the IPC token was refused" : String.valueOf(cause)), cause);
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
    long jittered = settings.backoff.jittered(attempt).toMillis();
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
    } catch (GreengrassIpcException e) {
      log.info("greengrass ipc: reconnect failed ({}); next attempt in about {} ms", e.getMessage(),
          settings.backoff.delay(attempt + 1).toMillis());
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
    log.info("greengrass ipc reconnected to {}", settings.socketPath);
    for (DurableStream<?> s : streams) {
      s.reopen(fresh, 0);
    }
    for (ConnectionListener l : listeners) {
      notifications.execute(() -> l.onConnected(false));
    }
  }

  /** Observes the IPC connection: lost, and rebuilt (always without session: the nucleus keeps none). */
  public void addConnectionListener(ConnectionListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Whether the IPC connection is up right now. */
  public boolean isConnected() {
    return link != null && !closed;
  }

  /** The operation timeout every call is bounded by. */
  public Duration operationTimeout() {
    return settings.operationTimeout;
  }

  /** The live link, for {@link IpcMqttClient}; null while reconnecting. */
  Link link() {
    return link;
  }

  ExecutorService callbackExecutor() {
    return callbacks;
  }

  ScheduledExecutorService scheduler() {
    return supervisor;
  }

  // ---- operations ----

  /**
   * Runs one IPC call against the live client: fails at once when disconnected or closed, is bounded by the
   * operation timeout, maps errors to {@link GreengrassIpcException} and completes on {@code thingbridge-ipc}.
   */
  <T> CompletableFuture<T> call(String operation, Function<GreengrassCoreIPCClientV2, CompletableFuture<T>> rpc) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new GreengrassIpcException(GreengrassIpcException.Kind.CLOSED, operation + ": greengrass ipc is closed"));
    }
    Link current = link;
    if (current == null) {
      return CompletableFuture.failedFuture(new GreengrassIpcException(
          GreengrassIpcException.Kind.NOT_CONNECTED, operation + ": greengrass ipc is reconnecting"));
    }
    CompletableFuture<T> source;
    try {
      source = rpc.apply(current.client());
    } catch (RuntimeException e) {
      source = CompletableFuture.failedFuture(e);
    }
    return bounded(source, operation);
  }

  <T> CompletableFuture<T> bounded(CompletableFuture<T> source, String operation) {
    CompletableFuture<T> out = new CompletableFuture<>();
    try {
      var timeout = supervisor.schedule(() -> {
        if (out.completeExceptionally(new GreengrassIpcException(GreengrassIpcException.Kind.TIMEOUT,
            operation + ": no answer from the nucleus within " + settings.operationTimeout.toMillis() + " ms"))) {
          source.cancel(false);
        }
      }, settings.operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
      out.whenComplete((v, e) -> timeout.cancel(false));
    } catch (RejectedExecutionException closing) {
      out.completeExceptionally(
          new GreengrassIpcException(GreengrassIpcException.Kind.CLOSED, operation + ": greengrass ipc is closed"));
      return out;
    }
    source.whenCompleteAsync((v, e) -> {
      if (e == null) {
        out.complete(v);
      } else {
        out.completeExceptionally(IpcErrors.toIpc(e, operation));
      }
    }, callbacks);
    return out;
  }

  /** Opens a stream that is re-opened after every reconnect; completes when the nucleus answered the first open. */
  <E> CompletableFuture<IpcStream> durable(String what, DurableStream.Opener<E> opener, Consumer<E> onEvent) {
    DurableStream<E> stream = new DurableStream<>(this, what, opener, onEvent);
    streams.add(stream);
    Link current = link;
    if (current == null) {
      streams.remove(stream);
      return CompletableFuture.failedFuture(new GreengrassIpcException(
          GreengrassIpcException.Kind.NOT_CONNECTED, what + ": greengrass ipc is reconnecting"));
    }
    return stream.openFirst(current).thenApply(v -> (IpcStream) stream).whenComplete((s, e) -> {
      if (e != null) {
        streams.remove(stream);
      }
    });
  }

  void forget(DurableStream<?> stream) {
    streams.remove(stream);
  }

  Backoff backoff() {
    return settings.backoff;
  }

  /** See {@link IpcLifecycle}: configuration, state, component updates and local pub/sub. */
  public IpcLifecycle lifecycle() {
    return new IpcLifecycle(this);
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

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  /** Connection settings. The token is never logged or printed. */
  public static final class Builder {
    private String socketPath;
    private String authToken;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration operationTimeout = Duration.ofSeconds(10);
    private Backoff backoff = Backoff.IPC_RECONNECT;

    private Builder() {}

    /** Takes socket path and token from {@link #SOCKET_ENV} and {@link #TOKEN_ENV}. */
    public Builder fromEnvironment(Map<String, String> environment) {
      this.socketPath = environment.get(SOCKET_ENV);
      this.authToken = environment.get(TOKEN_ENV);
      return this;
    }

    /** The nucleus socket; may be relative to the working directory, as the nucleus sometimes gives it. */
    public Builder socketPath(String path) {
      this.socketPath = path;
      return this;
    }

    public Builder authToken(String token) {
      this.authToken = token;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = requirePositive(timeout, "connectTimeout");
      return this;
    }

    public Builder operationTimeout(Duration timeout) {
      this.operationTimeout = requirePositive(timeout, "operationTimeout");
      return this;
    }

    /**
     * Reconnect backoff: starts at {@code min}, doubles per failure up to {@code max}, ±25 % jitter (default
     * {@link Backoff#IPC_RECONNECT}, 200 ms to 10 s).
     */
    public Builder reconnectBackoff(Duration min, Duration max) {
      this.backoff = backoff.withBounds(requirePositive(min, "min"), requirePositive(max, "max"));
      return this;
    }

    /**
     * Connects, waiting at most the connect timeout.
     *
     * @throws GreengrassIpcException {@code UNAUTHORIZED} if the nucleus refused the token, {@code
     *     NOT_CONNECTED} if the socket could not be reached
     * @throws IllegalStateException if socket path or token is missing
     */
    public GreengrassIpc connect() {
      if (!notBlank(socketPath) || !notBlank(authToken)) {
        throw new IllegalStateException("Greengrass IPC needs a socket path and a token (" + SOCKET_ENV
            + " and " + TOKEN_ENV + " when run by the nucleus)");
      }
      GreengrassIpc ipc = new GreengrassIpc(this);
      ipc.connectFirst();
      return ipc;
    }

    private static Duration requirePositive(Duration d, String name) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return d;
    }

    @Override
    public String toString() {
      return "GreengrassIpc.Builder[socket=" + socketPath + ", token=" + (authToken == null ? "unset" : "***") + "]";
    }
  }

  static List<String> copyPath(List<String> keyPath) {
    return new ArrayList<>(List.copyOf(keyPath));
  }
}
