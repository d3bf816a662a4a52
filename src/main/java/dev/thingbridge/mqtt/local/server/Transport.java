package dev.thingbridge.mqtt.local.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The byte stream of one non-blocking socket, plain or TLS. Used only by the connection's I/O thread.
 */
interface Transport {
  /**
   * Reads what is available into {@code dst}.
   *
   * @return bytes read, 0 when nothing is available yet, -1 at the end of the stream
   */
  int read(ByteBuffer dst) throws IOException;

  /**
   * Writes as much of {@code srcs} as the socket takes now.
   *
   * @return whether the socket took everything, including anything the transport buffered earlier
   */
  boolean write(ByteBuffer[] srcs, int offset, int length) throws IOException;

  /**
   * Whether input already taken off the socket waits inside the transport (TLS plaintext not yet handed out,
   * or ciphertext not yet unwrapped). The selector cannot see it: a reader that stops early must come back.
   */
  default boolean hasBufferedInput() {
    return false;
  }

  /** Whether bytes the transport produced itself (TLS records) still wait for the socket. */
  boolean hasPendingOutput();

  /** Writes those bytes; true once none are left. */
  boolean flushPendingOutput() throws IOException;

  /** A short description for logs: {@code TCP} or the TLS protocol and the client certificate's subject. */
  String describe();

  /** Closes the socket (after a best-effort TLS close_notify). */
  void close();

  /** Plain TCP. */
  static Transport plain(SocketChannel channel) {
    return new Transport() {
      @Override
      public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
      }

      @Override
      public boolean write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        channel.write(srcs, offset, length);
        return !srcs[offset + length - 1].hasRemaining();
      }

      @Override
      public boolean hasPendingOutput() {
        return false;
      }

      @Override
      public boolean flushPendingOutput() {
        return true;
      }

      @Override
      public String describe() {
        return "TCP";
      }

      @Override
      public void close() {
        try {
          channel.close();
        } catch (IOException e) {
          // closing a dead socket: nothing left to do
        }
      }
    };
  }
}
