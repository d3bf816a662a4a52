package dev.thingbridge.mqtt.nio;

import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.MqttException;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.MqttRefusedException;
import dev.thingbridge.mqtt.codec.FrameDecoder;
import dev.thingbridge.mqtt.codec.MalformedPacketException;
import dev.thingbridge.mqtt.codec.Packet;
import dev.thingbridge.mqtt.codec.PacketDecoder;
import dev.thingbridge.mqtt.codec.PacketEncoder;
import dev.thingbridge.mqtt.codec.ReasonCodes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT 5 connection at a time to one broker, on one thread the link owns: connects, sends CONNECT, reads
 * and frames packets, keeps the connection alive with PINGREQ, and reconnects with jittered exponential backoff
 * until stopped. What the packets mean is its {@link Events}' business.
 *
 * <p>Every packet queued while the thread handles what it read, or runs submitted work, goes out in one gathering
 * write at the end of that turn: a request's PUBACK and the replies a handler published on this thread share one
 * system call, and a burst of PUBACKs read together is answered together.
 *
 * <p>Threads: everything but {@link #submit} and {@link #stop} runs on the link's thread ({@code
 * thingbridge-mqtt-<id>-io}); {@link Events} are called on it and must not block for long.
 */
final class Link {
  private static final Logger log = LoggerFactory.getLogger(Link.class);
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
  private static final int READ_BUFFER_BYTES = 64 * 1024;
  private static final int MAX_READS_PER_TURN = 16;
  private static final Duration STOP_WAIT = Duration.ofSeconds(2);

  /** What the link reports, on its thread. */
  interface Events {
    /** The CONNECT to send on a new connection. */
    Packet.Connect connectPacket();

    /** The broker accepted the CONNECT. */
    void opened(Packet.Connack connack);

    /** A packet after the CONNACK other than PINGRESP and DISCONNECT. */
    void received(Packet packet);

    /**
     * A connection attempt failed ({@code wasOpen} false) or an open connection was lost; the next attempt is
     * already scheduled unless the link is stopping.
     */
    void closed(MqttException cause, boolean wasOpen);

    /** A turn of the loop (reads, submitted work) ended; what it queued is written next. */
    void turnEnded();

    /** Called at least every 250 ms while the link runs, for the owner's timeouts. */
    void tick(long nowNanos);

    /** The link stopped; everything still pending must be failed now. */
    void stopped();
  }

  private enum Phase { WAITING, CONNECTING, AWAITING_CONNACK, OPEN, STOPPED }

  private final MqttEndpoint endpoint;
  private final NioMqttOptions options;
  private final int maxInboundPacket;
  private final Events events;
  private final Thread thread;
  private final Selector selector;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
  private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
  private volatile boolean stopRequested;
  /** Gathering writes made, for tests of what shares a write. */
  private volatile long writes;
  private volatile boolean exited;

  // ---- link thread only ----
  private Phase phase = Phase.WAITING;
  private SocketChannel channel;
  private SelectionKey key;
  private boolean writeInterest;
  private FrameDecoder decoder;
  private long generation;
  private long attemptDeadline;
  private long nextAttempt;
  private long nextTick;
  private long backoffNanos;
  private long keepAliveNanos;
  private long lastSent;
  private long pingSent;
  private boolean pingOutstanding;

  Link(NioMqttOptions options, int maxInboundPacket, Events events, String threadName) throws IOException {
    this.endpoint = options.endpoint();
    this.options = options;
    this.maxInboundPacket = maxInboundPacket;
    this.events = events;
    this.selector = Selector.open();
    this.backoffNanos = options.reconnectMinDelay().toNanos();
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
  }

  /** Starts the thread, which connects at once. */
  void start() {
    thread.start();
  }

  /** How many writes the link made so far. */
  long writes() {
    return writes;
  }

  /** Whether the caller runs on the link's thread. */
  boolean onLinkThread() {
    return Thread.currentThread() == thread;
  }

  /** Runs {@code task} on the link's thread: at once when called there, else on its next turn. */
  void submit(Runnable task) {
    if (onLinkThread()) {
      task.run();
      return;
    }
    tasks.add(task);
    if (exited && tasks.remove(task)) {
      task.run(); // the thread is gone: the task finds everything stopped and fails what it carries
      return;
    }
    if (wakeupPending.compareAndSet(false, true)) {
      selector.wakeup();
    }
  }

  /** Queues a packet for the end of this turn. Link thread only; dropped when no connection is up. */
  void send(byte[] packet) {
    if (phase == Phase.AWAITING_CONNACK || phase == Phase.OPEN) {
      out.add(ByteBuffer.wrap(packet));
    }
  }

  /** Whether the broker accepted this connection's CONNECT. Link thread only. */
  boolean isOpen() {
    return phase == Phase.OPEN;
  }

  /** Drops the current connection as lost (a protocol error seen by the owner); reconnects later. */
  void drop(String reason) {
    lost(reason);
  }

  /**
   * Sends DISCONNECT if connected, stops the thread and waits up to 2 s for it; {@link Events#stopped} runs
   * before the thread ends.
   */
  void stop() {
    submit(() -> {
      if (phase == Phase.OPEN) {
        send(PacketEncoder.encode(new Packet.Disconnect(ReasonCodes.SUCCESS, null, null), Packet.V5));
        flush();
      }
      stopRequested = true;
    });
    if (!onLinkThread()) {
      try {
        thread.join(STOP_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    try {
      attempt(System.nanoTime());
      while (!stopRequested) {
        long now = System.nanoTime();
        long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextWake(now) - now) + 1);
        if (tasks.isEmpty()) {
          selector.select(waitMillis);
        } else {
          selector.selectNow();
        }
        wakeupPending.set(false);
        runTasks();
        handleKeys();
        events.turnEnded();
        timers(System.nanoTime());
        flush();
      }
    } catch (IOException | RuntimeException | Error e) {
      log.error("mqtt link to {} stopped by an unexpected error: {}", endpoint, e.toString());
    } finally {
      closeChannel();
      phase = Phase.STOPPED;
      exited = true;
      runTasks();
      try {
        events.stopped();
      } finally {
        try {
          selector.close();
        } catch (IOException ignored) {
          // nothing left to release
        }
      }
    }
  }

  private void runTasks() {
    Runnable t;
    while ((t = tasks.poll()) != null) {
      try {
        t.run();
      } catch (RuntimeException e) {
        log.warn("mqtt link to {}: a task failed: {}", endpoint, e.toString());
      }
    }
  }

  private void handleKeys() {
    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
    while (it.hasNext()) {
      SelectionKey k = it.next();
      it.remove();
      if (k != key || !k.isValid()) {
        continue;
      }
      if (k.isConnectable()) {
        tcpConnected();
      } else {
        if (k.isReadable()) {
          readAll();
        }
        if (k == key && k.isValid() && k.isWritable()) {
          flush();
        }
      }
    }
  }

  private long nextWake(long now) {
    long wake = nextTick;
    if (phase == Phase.WAITING) {
      wake = Math.min(wake, nextAttempt);
    } else if (phase == Phase.CONNECTING || phase == Phase.AWAITING_CONNACK) {
      wake = Math.min(wake, attemptDeadline);
    } else if (phase == Phase.OPEN) {
      wake = Math.min(wake, pingOutstanding ? pingSent + pingTimeout() : lastSent + keepAliveNanos);
    }
    return Math.max(wake, now);
  }

  private void timers(long now) {
    switch (phase) {
      case WAITING -> {
        if (now - nextAttempt >= 0) {
          attempt(now);
        }
      }
      case CONNECTING, AWAITING_CONNACK -> {
        if (now - attemptDeadline >= 0) {
          failAttempt(new MqttNotConnectedException("could not connect to " + endpoint + " within "
              + text(options.connectTimeout())));
        }
      }
      case OPEN -> {
        if (pingOutstanding && now - pingSent >= pingTimeout()) {
          lost("no PINGRESP from the broker within " + text(Duration.ofNanos(pingTimeout())));
        } else if (!pingOutstanding && now - lastSent >= keepAliveNanos) {
          send(PacketEncoder.encode(new Packet.PingReq(), Packet.V5));
          pingOutstanding = true;
          pingSent = now;
        }
      }
      default -> {
        // stopped: nothing is due
      }
    }
    if (now - nextTick >= 0) {
      nextTick = now + TICK_NANOS;
      events.tick(now);
    }
  }

  private long pingTimeout() {
    return Math.min(keepAliveNanos, TimeUnit.SECONDS.toNanos(30));
  }

  private void attempt(long now) {
    generation++;
    out.clear();
    decoder = new FrameDecoder(maxInboundPacket);
    pingOutstanding = false;
    attemptDeadline = now + options.connectTimeout().toNanos();
    phase = Phase.CONNECTING;
    InetSocketAddress address = new InetSocketAddress(endpoint.host(), endpoint.port());
    if (address.isUnresolved()) {
      failAttempt(new MqttNotConnectedException("could not connect to " + endpoint + ": unknown host "
          + endpoint.host()));
      return;
    }
    try {
      channel = SocketChannel.open();
      channel.configureBlocking(false);
      // Small replies must not wait for the previous segment's ACK (Nagle + delayed ACK: ~40 ms each).
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      if (channel.connect(address)) {
        key = channel.register(selector, SelectionKey.OP_READ);
        sendConnect();
      } else {
        key = channel.register(selector, SelectionKey.OP_CONNECT);
      }
    } catch (IOException e) {
      failAttempt(new MqttNotConnectedException("could not connect to " + endpoint + ": " + describe(e), e));
    }
  }

  private void tcpConnected() {
    try {
      if (!channel.finishConnect()) {
        return;
      }
      key.interestOps(SelectionKey.OP_READ);
      sendConnect();
    } catch (IOException e) {
      failAttempt(new MqttNotConnectedException("could not connect to " + endpoint + ": " + describe(e), e));
    }
  }

  private void sendConnect() {
    phase = Phase.AWAITING_CONNACK;
    writeInterest = false;
    send(PacketEncoder.encode(events.connectPacket(), Packet.V5));
    flush();
  }

  private void readAll() {
    long started = generation;
    for (int i = 0; i < MAX_READS_PER_TURN; i++) {
      readBuffer.clear();
      int n;
      try {
        n = channel.read(readBuffer);
      } catch (IOException e) {
        lost("connection lost: " + describe(e));
        return;
      }
      if (n < 0) {
        lost(phase == Phase.OPEN ? "the broker closed the connection" : "the broker closed the connection before CONNACK");
        return;
      }
      if (n == 0) {
        return;
      }
      readBuffer.flip();
      while (generation == started && readBuffer.hasRemaining()) {
        Packet p;
        try {
          FrameDecoder.Frame f = decoder.next(readBuffer);
          if (f == null) {
            break;
          }
          p = PacketDecoder.decode(f.header(), f.body(), Packet.V5);
        } catch (MalformedPacketException e) {
          lost("the broker sent a malformed packet: " + e.getMessage());
          return;
        }
        dispatch(p);
      }
      if (generation != started || n < readBuffer.capacity()) {
        return;
      }
    }
  }

  private void dispatch(Packet p) {
    if (phase == Phase.AWAITING_CONNACK) {
      if (!(p instanceof Packet.Connack c)) {
        lost("the broker sent packet type " + p.type() + " before CONNACK");
        return;
      }
      if (c.reasonCode() >= 0x80) {
        failAttempt(new MqttRefusedException("connect to " + endpoint, c.reasonCode(),
            c.reasonString() != null ? c.reasonString() : ReasonCodes.describe(c.reasonCode())));
        return;
      }
      phase = Phase.OPEN;
      backoffNanos = options.reconnectMinDelay().toNanos();
      keepAliveNanos = TimeUnit.SECONDS.toNanos(
          c.serverKeepAlive() != null && c.serverKeepAlive() > 0 ? c.serverKeepAlive() : options.keepAlive().toSeconds());
      lastSent = System.nanoTime();
      events.opened(c);
    } else if (p instanceof Packet.PingResp) {
      pingOutstanding = false;
    } else if (p instanceof Packet.Disconnect d) {
      lost("broker sent DISCONNECT " + disconnectName(d.reasonCode())
          + (d.reasonString() == null ? "" : ": " + d.reasonString()));
    } else if (p instanceof Packet.Connack) {
      lost("the broker sent a second CONNACK");
    } else {
      events.received(p);
    }
  }

  /** The reason code's name as the direct backend reports it (callers look for SESSION_TAKEN_OVER). */
  static String disconnectName(int code) {
    String described = ReasonCodes.describe(code); // "0x8E session taken over"
    String words = described.substring(described.indexOf(' ') + 1);
    return words.toUpperCase(java.util.Locale.ROOT).replace(' ', '_') + " (" + described.substring(0, 4) + ")";
  }

  /** Writes everything queued, in one gathering write; what the socket does not take waits for OP_WRITE. */
  private void flush() {
    if (out.isEmpty() || channel == null || !channel.isConnected()) {
      return;
    }
    try {
      writes++; // counted before the bytes leave, so that whoever reads them can see the count
      channel.write(out.toArray(new ByteBuffer[0]));
    } catch (IOException e) {
      lost("connection lost while sending: " + describe(e));
      return;
    }
    lastSent = System.nanoTime();
    while (!out.isEmpty() && !out.peekFirst().hasRemaining()) {
      out.pollFirst();
    }
    boolean wantWrite = !out.isEmpty();
    if (wantWrite != writeInterest && key.isValid()) {
      writeInterest = wantWrite;
      key.interestOps(wantWrite ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }
  }

  private void failAttempt(MqttException cause) {
    closeChannel();
    scheduleReconnect();
    events.closed(cause, false);
  }

  private void lost(String reason) {
    if (phase != Phase.OPEN) {
      failAttempt(new MqttNotConnectedException("could not connect to " + endpoint + ": " + reason));
      return;
    }
    closeChannel();
    scheduleReconnect();
    events.closed(new MqttNotConnectedException(reason), true);
  }

  private void scheduleReconnect() {
    phase = Phase.WAITING;
    long delay = backoffNanos / 2 + ThreadLocalRandom.current().nextLong(backoffNanos / 2 + 1);
    nextAttempt = System.nanoTime() + delay;
    backoffNanos = Math.min(backoffNanos * 2, options.reconnectMaxDelay().toNanos());
  }

  private void closeChannel() {
    generation++;
    out.clear();
    if (key != null) {
      key.cancel();
      key = null;
    }
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      channel = null;
    }
  }

  private static String text(Duration d) {
    return d.toMillis() < 1000 ? d.toMillis() + " ms" : d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
  }

  private static String describe(IOException e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
