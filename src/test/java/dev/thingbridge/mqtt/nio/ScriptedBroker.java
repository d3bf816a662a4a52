package dev.thingbridge.mqtt.nio;

import dev.thingbridge.mqtt.MqttEndpoint;
import dev.thingbridge.mqtt.codec.FrameDecoder;
import dev.thingbridge.mqtt.codec.Packet;
import dev.thingbridge.mqtt.codec.PacketDecoder;
import dev.thingbridge.mqtt.codec.PacketEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A broker the test drives packet by packet over a real loopback socket, for what Mosquitto cannot be made to
 * do on cue: refuse a CONNECT, announce a small Receive Maximum, leave a publish unacknowledged, send a
 * DISCONNECT or garbage. One connection at a time.
 */
final class ScriptedBroker implements AutoCloseable {
  private final ServerSocket server;
  private Socket socket;
  private FrameDecoder decoder;
  private final ByteBuffer pending = ByteBuffer.allocate(256 * 1024).flip();

  ScriptedBroker() throws IOException {
    server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    server.setSoTimeout(10_000);
  }

  MqttEndpoint endpoint() {
    return MqttEndpoint.plain("127.0.0.1", server.getLocalPort());
  }

  /** Accepts the next connection and reads its CONNECT. */
  Packet.Connect accept() throws Exception {
    if (socket != null) {
      socket.close();
    }
    socket = server.accept();
    socket.setTcpNoDelay(true);
    decoder = new FrameDecoder(1 << 20);
    pending.clear().flip();
    return (Packet.Connect) read(Duration.ofSeconds(10));
  }

  /** Accepts, reads the CONNECT and answers with a plain CONNACK. */
  Packet.Connect acceptAndAck(boolean sessionPresent, Integer receiveMaximum) throws Exception {
    Packet.Connect c = accept();
    send(new Packet.Connack(sessionPresent, 0, null, receiveMaximum, null, null, null, null, null, null));
    return c;
  }

  void send(Packet p) throws IOException {
    sendRaw(PacketEncoder.encode(p, Packet.V5));
  }

  void sendRaw(byte[] bytes) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(bytes);
    out.flush();
  }

  /** The next packet from the client, or null if none came within {@code timeout}. */
  Packet read(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      FrameDecoder.Frame f = decoder.next(pending);
      if (f != null) {
        return PacketDecoder.decode(f.header(), f.body(), Packet.V5);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
      InputStream in = socket.getInputStream();
      byte[] chunk = new byte[8192];
      int n;
      try {
        n = in.read(chunk);
      } catch (SocketTimeoutException e) {
        return null;
      }
      if (n < 0) {
        throw new IOException("the client closed the connection");
      }
      pending.compact().put(chunk, 0, n).flip();
    }
  }

  /** The next packet, which must be of {@code type}. */
  <T extends Packet> T expect(Class<T> type) throws Exception {
    Packet p = read(Duration.ofSeconds(10));
    if (!type.isInstance(p)) {
      throw new AssertionError("expected " + type.getSimpleName() + ", got " + p);
    }
    return type.cast(p);
  }

  /** Drops the current connection. */
  void cut() throws IOException {
    socket.close();
  }

  @Override
  public void close() throws IOException {
    if (socket != null) {
      socket.close();
    }
    server.close();
  }

}
