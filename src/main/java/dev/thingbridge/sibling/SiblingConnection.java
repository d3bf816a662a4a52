package dev.thingbridge.sibling;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.aws.greengrass.GreengrassCoreIPCClient;
import software.amazon.awssdk.aws.greengrass.GreengrassCoreIPCClientV2;
import software.amazon.awssdk.aws.greengrass.model.BinaryMessage;
import software.amazon.awssdk.aws.greengrass.model.PublishMessage;
import software.amazon.awssdk.aws.greengrass.model.PublishToTopicRequest;
import software.amazon.awssdk.aws.greengrass.model.ReceiveMode;
import software.amazon.awssdk.aws.greengrass.model.SubscribeToTopicRequest;
import software.amazon.awssdk.aws.greengrass.model.SubscriptionResponseMessage;
import software.amazon.awssdk.aws.greengrass.model.UnauthorizedError;
import software.amazon.awssdk.crt.io.ClientBootstrap;
import software.amazon.awssdk.crt.io.EventLoopGroup;
import software.amazon.awssdk.crt.io.SocketOptions;
import software.amazon.awssdk.eventstreamrpc.EventStreamRPCConnection;
import software.amazon.awssdk.eventstreamrpc.EventStreamRPCConnectionConfig;
import software.amazon.awssdk.eventstreamrpc.GreengrassConnectMessageSupplier;
import software.amazon.awssdk.eventstreamrpc.StreamResponseHandler;

/**
 * The sibling's own IPC connection to the nucleus: connects, subscribes to its response and event topics, and,
 * when the connection drops (a nucleus restart), rebuilds it with backoff and subscribes again, then tells the
 * client so it re-sends what is in flight and renews its claims. Stream events are handled on one thread
 * ({@code thingbridge-sibling-dispatch}) so they stay in order.
 */
final class SiblingConnection implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(SiblingConnection.class.getName());

  /** What the connection tells its client. */
  interface Listener {
    /** A message on one of the subscribed topics, on the dispatch thread. */
    void onMessage(String topic, byte[] payload);

    /** The connection was rebuilt and the topics subscribed again. */
    void onReconnected();
  }

  private record Link(EventStreamRPCConnection connection, GreengrassCoreIPCClientV2 client, long generation) {}

  private final String socketPath;
  private final String token;
  private final List<String> topics;
  private final Duration timeout;
  private final Listener listener;
  private final EventLoopGroup eventLoop = new EventLoopGroup(1);
  private final ClientBootstrap bootstrap = new ClientBootstrap(eventLoop, null);
  private final SocketOptions socketOptions = new SocketOptions();
  private final ExecutorService dispatch;
  private final ScheduledExecutorService supervisor;
  private final Object lock = new Object();
  private volatile Link link;
  private long generation;
  private volatile boolean closed;

  SiblingConnection(String socketPath, String token, List<String> topics, Duration timeout, Listener listener) {
    this.socketPath = socketPath;
    this.token = token;
    this.topics = List.copyOf(topics);
    this.timeout = timeout;
    this.listener = listener;
    socketOptions.connectTimeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    socketOptions.domain = SocketOptions.SocketDomain.LOCAL;
    socketOptions.type = SocketOptions.SocketType.STREAM;
    this.dispatch = Executors.newSingleThreadExecutor(named("thingbridge-sibling-dispatch"));
    this.supervisor = Executors.newSingleThreadScheduledExecutor(named("thingbridge-sibling-supervisor"));
  }

  static java.util.concurrent.ThreadFactory named(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, n.getAndIncrement() == 0 ? name : name + "-" + n.get());
      t.setDaemon(true);
      return t;
    };
  }

  /** Connects and subscribes, or throws {@link LocalApiException} (UNAUTHORIZED, UNAVAILABLE). */
  void connect() {
    Link first = open(nextGeneration());
    link = first;
  }

  private long nextGeneration() {
    synchronized (lock) {
      return ++generation;
    }
  }

  private Link open(long gen) {
    EventStreamRPCConnectionConfig config = new EventStreamRPCConnectionConfig(bootstrap, eventLoop, socketOptions,
        null, socketPath, 0, GreengrassConnectMessageSupplier.connectMessageSupplier(token));
    EventStreamRPCConnection connection = new EventStreamRPCConnection(config);
    try {
      connection.connect(new EventStreamRPCConnection.LifecycleHandler() {
        @Override
        public void onConnect() {}

        @Override
        public void onDisconnect(int errorCode) {
          lost(gen, "connection closed (" + errorCode + ")");
        }

        @Override
        public boolean onError(Throwable t) {
          lost(gen, "connection error " + t);
          return true;
        }
      }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      GreengrassCoreIPCClientV2 client = GreengrassCoreIPCClientV2.builder()
          .withClient(new GreengrassCoreIPCClient(connection)).withExecutor(dispatch).build();
      Link l = new Link(connection, client, gen);
      for (String topic : topics) {
        subscribe(l, topic);
      }
      return l;
    } catch (InterruptedException e) {
      connection.close();
      Thread.currentThread().interrupt();
      throw new LocalApiException(LocalApiErrorCode.UNAVAILABLE, "connect", "interrupted", e);
    } catch (ExecutionException | TimeoutException | IOException | RuntimeException e) {
      connection.close();
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      if (cause instanceof LocalApiException l) {
        throw l;
      }
      boolean denied = cause != null && cause.getClass().getSimpleName().contains("AccessDenied");
      throw new LocalApiException(denied ? LocalApiErrorCode.UNAUTHORIZED : LocalApiErrorCode.UNAVAILABLE, "connect",
          "cannot connect to the Greengrass nucleus at " + socketPath + ": " + cause, cause);
    }
  }

  private void subscribe(Link l, String topic) throws InterruptedException, TimeoutException {
    SubscribeToTopicRequest request = new SubscribeToTopicRequest();
    request.setTopic(topic);
    request.setReceiveMode(ReceiveMode.RECEIVE_ALL_MESSAGES);
    var response = l.client.subscribeToTopicAsync(request, new StreamResponseHandler<SubscriptionResponseMessage>() {
      @Override
      public void onStreamEvent(SubscriptionResponseMessage m) {
        BinaryMessage b = m.getBinaryMessage();
        if (b != null && b.getMessage() != null) {
          String t = b.getContext() != null && b.getContext().getTopic() != null ? b.getContext().getTopic() : topic;
          try {
            listener.onMessage(t, b.getMessage());
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "thingbridge sibling: a message handler threw " + e);
          }
        }
      }

      @Override
      public boolean onStreamError(Throwable error) {
        return true;
      }

      @Override
      public void onStreamClosed() {
        if (!closed && link == l) {
          // The nucleus ended the stream without dropping the connection: start over.
          lost(l.generation, "subscription to " + topic + " closed");
        }
      }
    }).getResponse();
    try {
      response.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UnauthorizedError u) {
        throw new LocalApiException(LocalApiErrorCode.UNAUTHORIZED, "subscribe",
            "the component's accessControl does not allow SubscribeToTopic on " + topic + ": " + u.getMessage(), u);
      }
      throw new LocalApiException(LocalApiErrorCode.UNAVAILABLE, "subscribe", topic + ": " + cause, cause);
    }
  }

  /** Publishes a binary message; fails with UNAUTHORIZED, or UNAVAILABLE while reconnecting. */
  CompletableFuture<Void> publish(String topic, byte[] payload) {
    Link l = link;
    if (closed || l == null) {
      return CompletableFuture.failedFuture(new LocalApiException(LocalApiErrorCode.UNAVAILABLE, "publish",
          closed ? "the client is closed" : "reconnecting to the nucleus"));
    }
    BinaryMessage binary = new BinaryMessage();
    binary.setMessage(payload);
    PublishMessage message = new PublishMessage();
    message.setBinaryMessage(binary);
    PublishToTopicRequest request = new PublishToTopicRequest();
    request.setTopic(topic);
    request.setPublishMessage(message);
    CompletableFuture<Void> out = new CompletableFuture<>();
    try {
      l.client.publishToTopicAsync(request).whenComplete((r, e) -> {
        if (e == null) {
          out.complete(null);
          return;
        }
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
            ? e.getCause() : e;
        if (cause instanceof UnauthorizedError) {
          out.completeExceptionally(new LocalApiException(LocalApiErrorCode.UNAUTHORIZED, "publish",
              "the component's accessControl does not allow PublishToTopic on " + topic, cause));
        } else {
          out.completeExceptionally(new LocalApiException(LocalApiErrorCode.UNAVAILABLE, "publish",
              String.valueOf(cause), cause));
        }
      });
    } catch (RuntimeException e) {
      out.completeExceptionally(new LocalApiException(LocalApiErrorCode.UNAVAILABLE, "publish", e.toString(), e));
    }
    return out;
  }

  boolean isConnected() {
    return link != null && !closed;
  }

  private void lost(long gen, String reason) {
    try {
      supervisor.execute(() -> {
        Link l;
        synchronized (lock) {
          l = link;
          if (closed || l == null || l.generation != gen) {
            return;
          }
          link = null;
        }
        LOG.log(System.Logger.Level.INFO, "thingbridge sibling: " + reason + "; reconnecting");
        l.connection.close();
        reconnect(Duration.ofMillis(200));
      });
    } catch (RejectedExecutionException closing) {
      // closed
    }
  }

  private void reconnect(Duration delay) {
    long jittered = (long) (delay.toMillis() * (0.75 + ThreadLocalRandom.current().nextDouble() * 0.5));
    try {
      supervisor.schedule(() -> {
        if (closed) {
          return;
        }
        try {
          Link fresh = open(nextGeneration());
          synchronized (lock) {
            if (closed) {
              fresh.connection.close();
              return;
            }
            link = fresh;
          }
          LOG.log(System.Logger.Level.INFO, "thingbridge sibling: reconnected");
          dispatch.execute(listener::onReconnected);
        } catch (LocalApiException e) {
          Duration next = delay.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10)
              : delay.multipliedBy(2);
          reconnect(next);
        }
      }, jittered, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      // closed
    }
  }

  /** Runs a task on the dispatch thread (after the messages already queued). */
  void onDispatch(Runnable task) {
    try {
      dispatch.execute(task);
    } catch (RejectedExecutionException closing) {
      // closed
    }
  }

  ScheduledExecutorService scheduler() {
    return supervisor;
  }

  @Override
  public void close() {
    Link l;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      l = link;
      link = null;
    }
    if (l != null) {
      l.connection.close();
    }
    supervisor.shutdownNow();
    dispatch.shutdown();
    try {
      dispatch.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dispatch.shutdownNow();
    socketOptions.close();
    bootstrap.close();
    eventLoop.close();
  }
}
