package dev.thingbridge.mqtt.local.server;

import dev.thingbridge.mqtt.codec.FrameDecoder;
import dev.thingbridge.mqtt.codec.MalformedPacketException;
import dev.thingbridge.mqtt.codec.Packet;
import dev.thingbridge.mqtt.codec.PacketDecoder;
import dev.thingbridge.mqtt.codec.PacketEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A bare MQTT client for tests: it sends exactly the packets (or bytes) a test gives it and reports exactly
 * what the server sends back, so that tests can check the server's side of the protocol byte for byte,
 * misbehave on purpose, and see a close.
 */
final class RawClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final FrameDecoder frames = new FrameDecoder(16 * 1024 * 1024);
  private final ByteBuffer pending = ByteBuffer.allocate(64 * 1024).flip();
  private final int version;
  private Packet.Connack lastConnack;

  private RawClient(Socket socket, int version) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.version = version;
  }

  /** Opens a TCP connection; nothing is sent yet. */
  static RawClient open(MqttServer server, int version) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
    return new RawClient(s, version);
  }

  /**
   * Opens a TLS connection to a server that asks for no client certificate, trusting whatever certificate it
   * shows (loopback tests of the transport, not of certificate checks); nothing is sent yet.
   */
  static RawClient openTls(MqttServer server, int version) throws IOException {
    try {
      javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
      context.init(null, new javax.net.ssl.TrustManager[] {new TrustingAnyServer()}, null);
      Socket plain = new Socket();
      plain.setTcpNoDelay(true);
      plain.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
      javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) context.getSocketFactory()
          .createSocket(plain, "127.0.0.1", server.port(), true);
      s.startHandshake();
      return new RawClient(s, version);
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static final class TrustingAnyServer implements javax.net.ssl.X509TrustManager {
    @Override
    public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

    @Override
    public java.security.cert.X509Certificate[] getAcceptedIssuers() {
      return new java.security.cert.X509Certificate[0];
    }
  }

  /** Opens a connection, sends {@code connect} and returns the CONNACK. */
  static RawClient connect(MqttServer server, Packet.Connect connect) throws IOException {
    RawClient c = open(server, connect.protocolVersion());
    c.send(connect);
    Packet p = c.receive(Duration.ofSeconds(10));
    if (!(p instanceof Packet.Connack ack) || ack.reasonCode() != 0) {
      c.close();
      throw new IOException("CONNECT refused: " + p);
    }
    c.lastConnack = (Packet.Connack) p;
    return c;
  }

  /** A plain MQTT 5 or 3.1.1 CONNECT. */
  static RawClient connect(MqttServer server, int version, String clientId, boolean cleanStart, long expiry)
      throws IOException {
    return connect(server, Packet.Connect.of(version, clientId, cleanStart, 60, expiry));
  }

  Packet.Connack connack() {
    return lastConnack;
  }

  void send(Packet p) throws IOException {
    sendBytes(PacketEncoder.encode(p, version));
  }

  void sendBytes(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The next packet, or null if none came within {@code timeout}; throws if the server closed. */
  Packet receive(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        FrameDecoder.Frame f = frames.next(pending);
        if (f != null) {
          return PacketDecoder.decode(f.header(), f.body(), version);
        }
      } catch (MalformedPacketException e) {
        throw new IOException("server sent a malformed packet: " + e.getMessage(), e);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
      byte[] chunk = new byte[8192];
      int n;
      try {
        n = in.read(chunk);
      } catch (SocketTimeoutException e) {
        return null;
      }
      if (n < 0) {
        throw new ClosedByServer();
      }
      ByteBuffer merged = ByteBuffer.allocate(pending.remaining() + n);
      merged.put(pending).put(chunk, 0, n).flip();
      pending.clear();
      if (merged.remaining() > pending.capacity()) {
        throw new IOException("test client buffer too small");
      }
      pending.put(merged).flip();
    }
  }

  /** The next packet of a type, skipping others (e.g. PUBLISHes while waiting for a SUBACK). */
  <T extends Packet> T expect(Class<T> type, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Packet p = receive(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (type.isInstance(p)) {
        return type.cast(p);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " within " + timeout);
  }

  /**
   * Waits for the server to close the connection and returns the last packet before the close (a
   * DISCONNECT or CONNACK), or null if there was none.
   */
  Packet awaitClose(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Packet last = null;
    while (System.nanoTime() < deadline) {
      try {
        Packet p = receive(Duration.ofMillis(100));
        if (p != null) {
          last = p;
        }
      } catch (ClosedByServer | java.net.SocketException e) {
        return last;
      }
    }
    throw new AssertionError("the server did not close the connection within " + timeout + "; last: " + last);
  }

  /** Drops the TCP connection without DISCONNECT, as a device losing its network would. */
  void drop() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** The server closed the connection. */
  static final class ClosedByServer extends IOException {
    private static final long serialVersionUID = 1L;

    ClosedByServer() {
      super("connection closed by the server");
    }
  }
}
