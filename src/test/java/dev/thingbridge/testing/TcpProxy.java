package dev.thingbridge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP forwarder to take one client's network away while the broker and everyone else stay up:
 * {@link #cut()} drops every connection and turns new ones away, {@link #restore()} lets them through again. The
 * listening port stays bound throughout, so no other process on a shared machine can take it meanwhile. A broker
 * that keeps the client's session queues its QoS 1 messages during the cut, as AWS IoT does for a device whose link
 * is down.
 */
public final class TcpProxy implements AutoCloseable {
  private final int targetPort;
  private final int port;
  private final ExecutorService threads;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final ServerSocket server;
  private volatile boolean open = true;

  private TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.port = server.getLocalPort();
    AtomicInteger t = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread th = new Thread(r, "test-tcp-proxy-" + port + "-" + t.incrementAndGet());
      th.setDaemon(true);
      return th;
    });
    threads.execute(this::accept);
  }

  /** A proxy on a free loopback port forwarding to {@code 127.0.0.1:targetPort}. */
  public static TcpProxy to(int targetPort) throws IOException {
    return new TcpProxy(targetPort);
  }

  public int port() {
    return port;
  }

  /** Drops every connection and turns new ones away. */
  public synchronized void cut() throws IOException {
    open = false;
    for (Socket socket : sockets) {
      socket.close();
    }
    sockets.clear();
  }

  /** Lets connections through again. */
  public synchronized void restore() {
    open = true;
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        continue; // closed: the loop ends; otherwise a failed accept is retried
      }
      synchronized (this) {
        if (!open) {
          closeQuietly(client); // the link is down: the client sees its connection reset
          continue;
        }
        try {
          Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
          client.setTcpNoDelay(true);
          upstream.setTcpNoDelay(true);
          sockets.add(client);
          sockets.add(upstream);
          threads.execute(() -> pump(client, upstream));
          threads.execute(() -> pump(upstream, client));
        } catch (IOException e) {
          closeQuietly(client); // the broker is down: so is the link
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException ignored) {
      // one side closed: close both below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    cut();
    server.close();
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
