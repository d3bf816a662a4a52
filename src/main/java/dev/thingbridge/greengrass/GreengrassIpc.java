package dev.thingbridge.greengrass;

import dev.thingbridge.greengrass.internal.DurableStream;
import dev.thingbridge.greengrass.internal.IpcConnection;
import dev.thingbridge.internal.Backoff;
import dev.thingbridge.mqtt.ConnectionListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.aws.greengrass.GreengrassCoreIPCClientV2;

/**
 * The one Greengrass IPC connection of the process (the nucleus' {@code GreengrassCoreIPCClientV2} on the
 * component's Unix socket), shared by {@link IpcMqttClient}, {@link ShadowManagerMqttClient} and the component's
 * lifecycle and configuration calls ({@link #lifecycle()}). AWS recommends one IPC client per process; this class
 * is that client plus what the SDK leaves out.
 *
 * <ul>
 *   <li>When the connection closes, listeners hear {@link ConnectionListener#onDisconnected}; the client is
 *       rebuilt with exponential backoff and jitter, every {@link IpcStream} re-opened, then listeners hear
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

  private final IpcConnection connection;

  private GreengrassIpc(IpcConnection connection) {
    this.connection = connection;
  }

  /** A builder; {@link Builder#fromEnvironment} fills it from the nucleus' environment variables. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the process runs under a Greengrass nucleus: both {@link #SOCKET_ENV} and {@link #TOKEN_ENV} set. */
  public static boolean insideGreengrass(Map<String, String> environment) {
    return notBlank(environment.get(SOCKET_ENV)) && notBlank(environment.get(TOKEN_ENV));
  }

  /** Observes the IPC connection: lost, and rebuilt (always without session: the nucleus keeps none). */
  public void addConnectionListener(ConnectionListener listener) {
    connection.addConnectionListener(listener);
  }

  /** Whether the IPC connection is up right now. */
  public boolean isConnected() {
    return connection.isConnected();
  }

  /** The operation timeout every call is bounded by. */
  public Duration operationTimeout() {
    return connection.operationTimeout();
  }

  /** See {@link IpcLifecycle}: configuration, state, component updates and local pub/sub. */
  public IpcLifecycle lifecycle() {
    return new IpcLifecycle(this);
  }

  /** Closes the connection, every stream and every thread this instance owns. Idempotent. */
  @Override
  public void close() {
    connection.close();
  }

  /** The connection under this one, for the clients of this package. */
  IpcConnection connection() {
    return connection;
  }

  /** See {@link IpcConnection#call}: failures are {@link GreengrassIpcException}s. */
  <T> CompletableFuture<T> call(String operation, Function<GreengrassCoreIPCClientV2, CompletableFuture<T>> rpc) {
    return connection.call(operation, rpc);
  }

  /** A stream re-opened after every reconnect; completes when the nucleus answered the first open. */
  <E> CompletableFuture<IpcStream> durable(String what, DurableStream.Opener<E> opener, Consumer<E> onEvent) {
    return connection.durable(what, opener, onEvent).thenApply(stream -> (IpcStream) stream::close);
  }

  static List<String> copyPath(List<String> keyPath) {
    return new ArrayList<>(List.copyOf(keyPath));
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

    /** The component's IPC token ({@link #TOKEN_ENV} when run by the nucleus). */
    public Builder authToken(String token) {
      this.authToken = token;
      return this;
    }

    /** How long connecting (and each reconnect attempt) may take. Default 5 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = requirePositive(timeout, "connectTimeout");
      return this;
    }

    /** The bound on every operation's answer from the nucleus. Default 10 s. */
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
      return new GreengrassIpc(IpcConnection.connect(
          new IpcConnection.Settings(socketPath, authToken, connectTimeout, operationTimeout, backoff),
          IpcErrors.FAILURES));
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
}
