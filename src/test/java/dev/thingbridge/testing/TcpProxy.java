package dev.thingbridge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
 * {@link #cut()} drops every connection and refuses new ones, {@link #restore()} listens again on the same port.
 * A broker that keeps the client's session queues its QoS 1 messages meanwhile, as AWS IoT does for a device
 * whose link is down.
 */
public final class TcpProxy implements AutoCloseable {
  private static final AtomicInteger PROXIES = new AtomicInteger();

  private final int targetPort;
  private final int port;
  private final ExecutorService threads;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;

  private TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    int n = PROXIES.incrementAndGet();
    AtomicInteger t = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread th = new Thread(r, "test-tcp-proxy-" + n + "-" + t.incrementAndGet());
      th.setDaemon(true);
      return th;
    });
    ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.port = s.getLocalPort();
    listen(s);
  }

  /** A proxy on a free loopback port forwarding to {@code 127.0.0.1:targetPort}. */
  public static TcpProxy to(int targetPort) throws IOException {
    return new TcpProxy(targetPort);
  }

  public int port() {
    return port;
  }

  /** Drops every connection and stops accepting new ones. */
  public synchronized void cut() throws IOException {
    ServerSocket s = server;
    server = null;
    if (s != null) {
      s.close();
    }
    for (Socket socket : sockets) {
      socket.close();
    }
    sockets.clear();
  }

  /** Accepts connections again on the same port. */
  public synchronized void restore() throws IOException {
    if (server != null) {
      return;
    }
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    listen(s);
  }

  private void listen(ServerSocket s) {
    server = s;
    threads.execute(() -> {
      while (!s.isClosed()) {
        try {
          Socket client = s.accept();
          Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
          client.setTcpNoDelay(true);
          upstream.setTcpNoDelay(true);
          sockets.add(client);
          sockets.add(upstream);
          threads.execute(() -> pump(client, upstream));
          threads.execute(() -> pump(upstream, client));
        } catch (IOException e) {
          return;
        }
      }
    });
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
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
