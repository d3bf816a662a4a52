package dev.thingbridge.mqtt.local.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.Principal;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * TLS over a non-blocking socket with an {@link SSLEngine}. The handshake runs inside {@link #read} and
 * {@link #flushPendingOutput}, its delegated tasks inline on the I/O thread (a certificate check costs a
 * few milliseconds). Buffers: one TLS record in each direction plus one record's plaintext, about 50 KB.
 */
final class TlsTransport implements Transport {
  private static final ByteBuffer[] NOTHING = {ByteBuffer.allocate(0)};

  private final SocketChannel channel;
  private final SSLEngine engine;
  /** Write mode: ciphertext read from the socket and not yet unwrapped. */
  private ByteBuffer netIn;
  /** Read mode: plaintext unwrapped and not yet handed to the reader. */
  private ByteBuffer appIn;
  /** Read mode: ciphertext wrapped and not yet written to the socket. */
  private ByteBuffer netOut;
  private boolean handshakeDone;

  TlsTransport(SocketChannel channel, SSLEngine engine) throws SSLException {
    this.channel = channel;
    this.engine = engine;
    int packet = engine.getSession().getPacketBufferSize();
    this.netIn = ByteBuffer.allocate(packet);
    this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
    this.netOut = ByteBuffer.allocate(packet).flip();
    engine.beginHandshake();
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int total = drain(dst);
    while (dst.hasRemaining()) {
      if (!runHandshakeSteps()) {
        return total; // a handshake record waits for the socket; flushPendingOutput resumes
      }
      netIn.flip();
      appIn.compact();
      SSLEngineResult r;
      try {
        r = engine.unwrap(netIn, appIn);
      } finally {
        netIn.compact();
        appIn.flip();
      }
      noteFinished(r);
      switch (r.getStatus()) {
        case BUFFER_OVERFLOW -> appIn = grow(appIn, engine.getSession().getApplicationBufferSize(), true);
        case BUFFER_UNDERFLOW -> {
          if (!netIn.hasRemaining()) {
            netIn = grow(netIn.flip(), engine.getSession().getPacketBufferSize(), false);
          }
          int n = channel.read(netIn);
          if (n < 0) {
            return total > 0 ? total : -1;
          }
          if (n == 0) {
            return total;
          }
        }
        case CLOSED -> {
          total += drain(dst);
          return total > 0 ? total : -1;
        }
        case OK -> total += drain(dst);
      }
    }
    return total;
  }

  @Override
  public boolean write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    while (remaining(srcs, offset, length)) {
      if (!runHandshakeSteps()) {
        return false;
      }
      if (!handshakeDone || engine.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING) {
        return false; // the engine waits for the peer; the next read resumes
      }
      netOut.compact();
      SSLEngineResult r;
      try {
        r = engine.wrap(srcs, offset, length, netOut);
      } finally {
        netOut.flip();
      }
      switch (r.getStatus()) {
        case BUFFER_OVERFLOW -> {
          if (!netOut.hasRemaining()) {
            netOut = grow(netOut, engine.getSession().getPacketBufferSize(), true);
          }
        }
        case CLOSED -> throw new SSLException("TLS session closed");
        default -> {
          // OK: the record is in netOut
        }
      }
      if (!flushNetOut()) {
        return false;
      }
    }
    return flushNetOut();
  }

  @Override
  public boolean hasBufferedInput() {
    return appIn.hasRemaining() || netIn.position() > 0;
  }

  @Override
  public boolean hasPendingOutput() {
    return netOut.hasRemaining();
  }

  @Override
  public boolean flushPendingOutput() throws IOException {
    return flushNetOut() && runHandshakeSteps() && flushNetOut();
  }

  @Override
  public String describe() {
    StringBuilder s = new StringBuilder(engine.getSession().getProtocol());
    try {
      Principal peer = engine.getSession().getPeerPrincipal();
      s.append(", client certificate ").append(peer.getName());
    } catch (SSLPeerUnverifiedException noCertificate) {
      s.append(", no client certificate");
    }
    return s.toString();
  }

  @Override
  public void close() {
    try {
      engine.closeOutbound();
      netOut.compact();
      try {
        engine.wrap(NOTHING, netOut); // close_notify, or the alert of a failed handshake
      } finally {
        netOut.flip();
      }
      flushNetOut();
    } catch (IOException | RuntimeException e) {
      // best effort: the peer may already be gone
    }
    try {
      channel.close();
    } catch (IOException e) {
      // closing a dead socket: nothing left to do
    }
  }

  /**
   * Runs the handshake steps that need no input: delegated tasks and records to send.
   *
   * @return false when a record could not be written yet
   */
  private boolean runHandshakeSteps() throws IOException {
    while (true) {
      HandshakeStatus hs = engine.getHandshakeStatus();
      if (hs == HandshakeStatus.NEED_TASK) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
          task.run();
        }
      } else if (hs == HandshakeStatus.NEED_WRAP) {
        if (!flushNetOut()) {
          return false;
        }
        netOut.compact();
        SSLEngineResult r;
        try {
          r = engine.wrap(NOTHING, netOut);
        } finally {
          netOut.flip();
        }
        noteFinished(r);
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
          netOut = grow(netOut, engine.getSession().getPacketBufferSize(), true);
        } else if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
          flushNetOut();
          throw new SSLException("TLS session closed during the handshake");
        }
      } else {
        if (hs == HandshakeStatus.NOT_HANDSHAKING && !handshakeDone && engine.getSession().isValid()
            && !"NONE".equals(engine.getSession().getProtocol())) {
          handshakeDone = true;
        }
        return flushNetOut();
      }
    }
  }

  private void noteFinished(SSLEngineResult r) {
    if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
      handshakeDone = true;
    }
  }

  private boolean flushNetOut() throws IOException {
    while (netOut.hasRemaining()) {
      if (channel.write(netOut) == 0) {
        return false;
      }
    }
    return true;
  }

  private int drain(ByteBuffer dst) {
    int n = Math.min(dst.remaining(), appIn.remaining());
    if (n > 0) {
      int limit = appIn.limit();
      appIn.limit(appIn.position() + n);
      dst.put(appIn);
      appIn.limit(limit);
    }
    return n;
  }

  /** A larger buffer with the same content; {@code readMode} says which way {@code b} is flipped. */
  private static ByteBuffer grow(ByteBuffer b, int atLeast, boolean readMode) {
    ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, b.capacity() * 2));
    if (readMode) {
      bigger.put(b).flip();
    } else {
      bigger.put(b);
    }
    return bigger;
  }

  private static boolean remaining(ByteBuffer[] srcs, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (srcs[i].hasRemaining()) {
        return true;
      }
    }
    return false;
  }
}
