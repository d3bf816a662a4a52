package dev.thingbridge.mqtt.local.server;

import dev.thingbridge.mqtt.codec.FrameDecoder;
import dev.thingbridge.mqtt.codec.MalformedPacketException;
import dev.thingbridge.mqtt.codec.Packet;
import dev.thingbridge.mqtt.codec.Packet.Will;
import dev.thingbridge.mqtt.codec.PacketEncoder;
import dev.thingbridge.mqtt.codec.ReasonCodes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's network connection: reads packets off the socket, hands them to its {@link MqttProtocol},
 * queues what goes back, and writes it without ever blocking the loop.
 *
 * <p>Owned by one {@link IoLoop}: every method runs on that loop's thread except {@link #requestFlush()},
 * {@link #closeFromAnyThread} and {@link #takeWill()}, which are safe from anywhere.
 *
 * <p>Bounded memory: one packet being read (at most the maximum packet size), and what waits to be
 * written. Messages are pulled from the session only while less than {@link #PULL_BELOW} bytes wait; if
 * acknowledgements alone pile up past {@link #PAUSE_READING_ABOVE} (a client that sends but does not read),
 * the connection stops reading until the socket drains.
 */
final class Connection implements IoLoop.Handler {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);
  static final int PULL_BELOW = 64 * 1024;
  static final int PAUSE_READING_ABOVE = 1024 * 1024;
  private static final int MAX_WRITE_BATCH = 64;
  private static final int READS_PER_EVENT = 4;

  private final IoLoop loop;
  private final SocketChannel channel;
  private final Transport transport;
  private final FrameDecoder frames;
  private final String remote;
  private final MqttProtocol protocol;
  private final Runnable onClosed;
  private final ArrayDeque<ByteBuffer> outbound = new ArrayDeque<>();
  private final ByteBuffer[] batch = new ByteBuffer[MAX_WRITE_BATCH];
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private final AtomicReference<Will> will = new AtomicReference<>();
  private SelectionKey key;
  private long outboundBytes;
  private boolean readPaused;
  private boolean closed;
  /** When the connection is closed for silence: the connect deadline, then 1.5 x keep-alive; 0 = never. */
  private long deadline;
  private long keepAliveNanos;

  Connection(IoLoop loop, SocketChannel channel, Transport transport, ServerContext context) {
    this.loop = loop;
    this.channel = channel;
    this.transport = transport;
    this.frames = new FrameDecoder(context.options().maximumPacketSize());
    this.remote = describe(channel);
    this.protocol = new MqttProtocol(this, context);
    this.onClosed = context.connectionCount()::decrementAndGet;
    this.deadline = System.nanoTime() + context.options().connectTimeout().toNanos();
  }

  /** Registers with the loop; loop thread only. */
  void register() throws IOException {
    key = loop.register(channel, SelectionKey.OP_READ, this);
  }

  String remote() {
    return remote;
  }

  String transportDescription() {
    return transport.describe();
  }

  // ---- events from the loop ----

  @Override
  public void onReady(SelectionKey k) {
    if (k.isValid() && k.isWritable()) {
      onWritable();
    }
    if (!closed && k.isValid() && k.isReadable()) {
      onReadable();
    }
  }

  private void onReadable() {
    ByteBuffer buf = loop.readBuffer();
    boolean stoppedEarly = false;
    try {
      for (int i = 0; !closed && !readPaused; i++) {
        if (i == READS_PER_EVENT) {
          stoppedEarly = true; // fairness towards the loop's other connections
          break;
        }
        buf.clear();
        int n = transport.read(buf);
        if (n < 0) {
          close(ReasonCodes.SUCCESS, "connection closed by the client", false);
          return;
        }
        if (n == 0) {
          break;
        }
        buf.flip();
        FrameDecoder.Frame f;
        while (!closed && (f = frames.next(buf)) != null) {
          if (keepAliveNanos > 0) {
            deadline = System.nanoTime() + keepAliveNanos;
          }
          protocol.onFrame(f);
        }
        if (outboundBytes > PAUSE_READING_ABOVE) {
          readPaused = true;
        }
      }
    } catch (MalformedPacketException e) {
      protocol.onMalformed(e);
      return;
    } catch (IOException e) {
      close(ReasonCodes.SUCCESS, "network error: " + e.getMessage(), false);
      return;
    }
    if (stoppedEarly && transport.hasBufferedInput()) {
      // TLS may hold whole packets the socket no longer shows: no read event would come for them.
      loop.execute(this::onReadable);
    }
    pump();
  }

  private void onWritable() {
    try {
      if (!transport.flushPendingOutput()) {
        return;
      }
    } catch (IOException e) {
      close(ReasonCodes.SUCCESS, "network error: " + e.getMessage(), false);
      return;
    }
    pump();
    if (!closed && !protocol.isConnected()) {
      onReadable(); // a TLS handshake blocked on a write may have more to read already
    }
  }

  @Override
  public void onTick(long now) {
    if (deadline != 0 && now - deadline > 0) {
      if (protocol.isConnected()) {
        close(ReasonCodes.KEEP_ALIVE_TIMEOUT, "keep alive timeout", true);
      } else {
        close(ReasonCodes.MAXIMUM_CONNECT_TIME, "no CONNECT within the connect timeout", false);
      }
    }
  }

  @Override
  public void onFailure(RuntimeException e) {
    close(ReasonCodes.IMPLEMENTATION_SPECIFIC_ERROR, "internal error: " + e, true);
  }

  @Override
  public void onLoopClosed() {
    takeWill(); // a server going down publishes no wills
    close(ReasonCodes.SERVER_SHUTTING_DOWN, "server shutting down", true);
  }

  // ---- what the protocol does ----

  /** The keep-alive in force after CONNECT: silence beyond 1.5 times it closes the connection. */
  void keepAlive(int seconds) {
    keepAliveNanos = seconds == 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(seconds * 1500L);
    deadline = keepAliveNanos == 0 ? 0 : System.nanoTime() + keepAliveNanos;
  }

  void will(Will value) {
    will.set(value);
  }

  /** Takes the will so that exactly one party publishes or drops it; null if it is gone. */
  Will takeWill() {
    return will.getAndSet(null);
  }

  /** Queues a packet; it goes out with the next write. */
  void send(Packet packet) {
    if (!closed) {
      enqueue(PacketEncoder.encode(packet, protocol.version()));
    }
  }

  void enqueue(byte[] bytes) {
    outbound.add(ByteBuffer.wrap(bytes));
    outboundBytes += bytes.length;
  }

  long outboundBytes() {
    return outboundBytes;
  }

  /** Asks the loop to pull this client's waiting messages. Safe from any thread; coalesces. */
  void requestFlush() {
    if (flushScheduled.compareAndSet(false, true)) {
      loop.execute(() -> {
        flushScheduled.set(false);
        pump();
      });
    }
  }

  /** Closes from any thread: on the loop, with a DISCONNECT carrying the reason for an MQTT 5 client. */
  void closeFromAnyThread(int reasonCode, String why) {
    loop.execute(() -> close(reasonCode, why, true));
  }

  /** Pulls session messages while there is room, and writes until the socket is full or nothing is left. */
  void pump() {
    if (closed) {
      return;
    }
    try {
      do {
        protocol.pullMessages();
      } while (writeQueued() && protocol.hasMessagesToPull());
    } catch (IOException e) {
      close(ReasonCodes.SUCCESS, "network error: " + e.getMessage(), false);
      return;
    }
    if (readPaused && outboundBytes < PULL_BELOW) {
      readPaused = false;
      loop.execute(this::onReadable); // bytes may already wait in the socket: no new read event would come
    }
    interest();
  }

  /** Writes queued packets until the socket takes no more; true when nothing is left. */
  private boolean writeQueued() throws IOException {
    if (!transport.flushPendingOutput()) {
      return false;
    }
    while (!outbound.isEmpty()) {
      int n = 0;
      for (Iterator<ByteBuffer> it = outbound.iterator(); it.hasNext() && n < batch.length; ) {
        batch[n++] = it.next();
      }
      boolean all = transport.write(batch, 0, n);
      Arrays.fill(batch, 0, n, null);
      while (!outbound.isEmpty() && !outbound.peek().hasRemaining()) {
        outboundBytes -= outbound.poll().capacity();
      }
      if (!all) {
        return false;
      }
    }
    return true;
  }

  private void interest() {
    if (closed) {
      return;
    }
    int ops = (readPaused ? 0 : SelectionKey.OP_READ)
        | (transport.hasPendingOutput() || !outbound.isEmpty() ? SelectionKey.OP_WRITE : 0);
    try {
      if (key.interestOps() != ops) {
        key.interestOps(ops);
      }
    } catch (CancelledKeyException e) {
      close(ReasonCodes.SUCCESS, "socket closed", false);
    }
  }

  /**
   * Closes the connection once, after one attempt to write what is queued. With {@code sendDisconnect}, an
   * MQTT 5 client that completed CONNECT gets a DISCONNECT with the reason first.
   */
  void close(int reasonCode, String why, boolean sendDisconnect) {
    if (closed) {
      return;
    }
    if (sendDisconnect) {
      protocol.sendDisconnect(reasonCode, why);
    }
    try {
      writeQueued(); // one attempt for a last CONNACK or DISCONNECT: a socket that takes nothing now gets none
    } catch (IOException e) {
      log.debug("mqtt server: last write to {} failed: {}", remote, e.toString());
    }
    closed = true;
    if (key != null) {
      key.cancel();
    }
    transport.close();
    loop.unregister(this);
    outbound.clear();
    outboundBytes = 0;
    onClosed.run();
    protocol.onClosed(reasonCode, why);
  }

  boolean isClosed() {
    return closed;
  }

  private static String describe(SocketChannel channel) {
    try {
      return String.valueOf(channel.getRemoteAddress()).replaceFirst("^/", "");
    } catch (IOException e) {
      return "unknown peer";
    }
  }
}
