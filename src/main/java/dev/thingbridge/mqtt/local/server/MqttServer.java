package dev.thingbridge.mqtt.local.server;

import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.mqtt.local.LocalBroker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT server over TCP (optionally TLS with client certificates) in front of a {@link LocalBroker}, so
 * that network clients (the aws-crt client, the AWS IoT device SDK, {@code mosquitto_sub}) share one bus
 * with the in-process twin and agents. MQTT 3.1.1 and MQTT 5; QoS 0 and 1; topic rules as on AWS IoT
 * (a {@code #} filter does not see {@code $aws/...}). What it allows each client is set by {@link
 * MqttServerOptions}.
 *
 * <p>Threads: {@link MqttServerOptions#ioThreads()} selector threads {@code thingbridge-mqtt-server-<port>-io-N}
 * (the first also accepts) own every connection; {@code thingbridge-mqtt-server-<port>-timer-1} runs session
 * expiry and delayed wills. A client never blocks the bus or another client: deliveries are queued per
 * session, bounded, and written when the socket takes them.
 *
 * <p>{@link #close()} tells MQTT 5 clients "server shutting down" (0x8B), closes every connection, ends
 * every session (without publishing wills) and stops the threads.
 */
public final class MqttServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MqttServer.class);
  private static final long STOP_MILLIS = 2000;

  /** A snapshot of the server's load. */
  public record Stats(int connections, int sessions, long droppedMessages) {}

  /**
   * What the server holds for one client id.
   *
   * @param online whether a connection is bound to the session now
   * @param filters its topic filters, in the order they were subscribed
   * @param heldMessages messages queued for it or in flight (QoS 1, not yet acknowledged)
   */
  public record SessionInfo(String clientId, boolean online, List<String> filters, int heldMessages) {}

  private final MqttServerOptions options;
  private final ServerSocketChannel listener;
  private final InetSocketAddress address;
  private final List<IoLoop> loops = new ArrayList<>();
  private final ScheduledThreadPoolExecutor timer;
  private final SessionRegistry sessions;
  private final ServerContext context;
  private final AtomicInteger nextLoop = new AtomicInteger();
  private boolean closed;

  private MqttServer(LocalBroker bus, MqttServerOptions options, ServerSocketChannel listener) throws IOException {
    this.options = options;
    this.listener = listener;
    this.address = (InetSocketAddress) listener.getLocalAddress();
    String name = "thingbridge-mqtt-server-" + address.getPort();
    this.timer = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory(name + "-timer", true));
    timer.setRemoveOnCancelPolicy(true);
    this.sessions = new SessionRegistry(bus, options, timer);
    this.context = new ServerContext(options, bus, sessions, new AtomicInteger());
    for (int i = 1; i <= options.ioThreads(); i++) {
      loops.add(new IoLoop(name + "-io-" + i));
    }
  }

  /**
   * Binds and starts serving.
   *
   * @throws java.net.BindException if the address is in use
   * @throws IOException if the socket cannot be opened
   */
  public static MqttServer start(LocalBroker bus, MqttServerOptions options) throws IOException {
    Objects.requireNonNull(bus, "bus");
    Objects.requireNonNull(options, "options");
    ServerSocketChannel listener = ServerSocketChannel.open();
    MqttServer server;
    try {
      listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      listener.bind(new InetSocketAddress(options.host(), options.port()), 128);
      listener.configureBlocking(false);
      server = new MqttServer(bus, options, listener);
    } catch (IOException | RuntimeException e) {
      listener.close();
      throw e;
    }
    server.loops.forEach(IoLoop::start);
    IoLoop first = server.loops.get(0);
    first.execute(() -> server.listen(first));
    log.info("mqtt server: listening on {} ({}), MQTT 3.1.1 and 5, maximum packet size {} bytes",
        server.endpoint(), options.tls() == null ? "TCP" : "TLS, client certificates "
            + (options.tls().clientAuth() == ServerTls.ClientAuth.REQUIRED ? "required" : "not asked for"),
        options.maximumPacketSize());
    return server;
  }

  /** The address it listens on (with the port picked when 0 was asked for). */
  public InetSocketAddress address() {
    return address;
  }

  /** The port it listens on. */
  public int port() {
    return address.getPort();
  }

  /** Whether clients connect with TLS. */
  public boolean isTls() {
    return options.tls() != null;
  }

  /** {@code mqtt://host:port} or {@code mqtts://host:port}, for logs and the ready line. */
  public String endpoint() {
    String host = address.getAddress().getHostAddress();
    return (isTls() ? "mqtts://" : "mqtt://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
  }

  /** Connections open, sessions held (online and offline), and messages dropped for slow or full sessions. */
  public Stats stats() {
    return new Stats(context.connectionCount().get(), sessions.sessionCount(), sessions.droppedMessages());
  }

  /** The session the server holds for a client id, online or waiting for the client to come back. */
  public Optional<SessionInfo> session(String clientId) {
    ServerSession s = sessions.session(clientId);
    return s == null ? Optional.empty() : Optional.of(s.info());
  }

  private void listen(IoLoop loop) {
    try {
      loop.register(listener, SelectionKey.OP_ACCEPT, new IoLoop.Handler() {
        @Override
        public void onReady(SelectionKey key) {
          acceptAll();
        }

        @Override
        public void onLoopClosed() {
          try {
            listener.close();
          } catch (IOException e) {
            log.debug("mqtt server: closing the listener failed: {}", e.toString());
          }
        }
      });
    } catch (IOException e) {
      log.error("mqtt server: cannot accept connections on {}: {}", endpoint(), e.toString());
    }
  }

  private void acceptAll() {
    while (true) {
      SocketChannel channel;
      try {
        channel = listener.accept();
      } catch (IOException e) {
        log.warn("mqtt server: accept failed: {}", e.toString());
        return;
      }
      if (channel == null) {
        return;
      }
      accept(channel);
    }
  }

  private void accept(SocketChannel channel) {
    IoLoop loop = loops.get(Math.floorMod(nextLoop.getAndIncrement(), loops.size()));
    try {
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Transport transport = options.tls() == null ? Transport.plain(channel)
          : new TlsTransport(channel, options.tls().newEngine());
      context.connectionCount().incrementAndGet();
      Connection connection = new Connection(loop, channel, transport, context);
      loop.execute(() -> {
        try {
          connection.register();
        } catch (IOException e) {
          connection.close(0, "cannot register the socket: " + e.getMessage(), false);
        }
      });
    } catch (IOException e) {
      log.warn("mqtt server: could not set up a connection: {}", e.toString());
      try {
        channel.close();
      } catch (IOException ignored) {
        // it was never usable
      }
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      for (IoLoop loop : loops) {
        if (!loop.stop(STOP_MILLIS)) {
          log.warn("mqtt server: an I/O thread did not stop within {} ms", STOP_MILLIS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        listener.close();
      } catch (IOException e) {
        log.debug("mqtt server: closing the listener failed: {}", e.toString());
      }
      sessions.closeAll();
      timer.shutdownNow();
      try {
        timer.awaitTermination(STOP_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      log.info("mqtt server: {} closed", endpoint());
    }
  }
}
