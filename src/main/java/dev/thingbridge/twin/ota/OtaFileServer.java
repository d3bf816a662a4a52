package dev.thingbridge.twin.ota;

import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.twin.streams.FileSource;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The twin's stand-in for S3 pre-signed URLs: an HTTP/1.1 server for the files of OTA updates ({@code
 * update_data_url}), with byte ranges ({@code 206} and {@code Content-Range}, {@code 416} out of range, the whole
 * file when there is no single range) and URLs that expire ({@code 403} with S3's {@code AccessDenied} body).
 * Files are sent from disk without copying through the heap; keep-alive connections, {@code TCP_NODELAY}.
 *
 * <p>{@link #faults} makes it misbehave for tests: silence, delays, failures, bodies cut off; {@link #expireAll}
 * expires every URL handed out so far.
 *
 * <p>Threads: {@code thingbridge-twin-files-accept} and up to 32 {@code thingbridge-twin-files-N}, one per open
 * connection. {@link #close()} stops them.
 */
public final class OtaFileServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OtaFileServer.class);
  private static final String PREFIX = "/ota-files/";
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
  private static final int MAX_CONNECTIONS = 32;

  private final ServerSocketChannel server;
  private final Clock clock;
  private volatile UrlSigner signer = UrlSigner.random();
  private final Map<String, FileSource> files = new ConcurrentHashMap<>();
  private final ExecutorService workers;
  private final Thread acceptor;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytesSent = new AtomicLong();
  private final Map<SocketChannel, Boolean> open = new ConcurrentHashMap<>();
  private volatile FileServerFaults faults = FileServerFaults.NONE;
  private volatile boolean closed;

  private OtaFileServer(ServerSocketChannel server, Clock clock) {
    this.server = server;
    this.clock = clock;
    this.workers = new ThreadPoolExecutor(0, MAX_CONNECTIONS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        new NamedThreadFactory("thingbridge-twin-files", true));
    this.acceptor = new NamedThreadFactory("thingbridge-twin-files-accept", true).newThread(this::acceptLoop);
  }

  /** Starts on {@code address:port} (0 picks a free port). */
  public static OtaFileServer start(InetAddress address, int port, Clock clock) throws IOException {
    ServerSocketChannel ch = ServerSocketChannel.open();
    ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    ch.bind(new InetSocketAddress(address, port), 64);
    OtaFileServer s = new OtaFileServer(ch, Objects.requireNonNull(clock));
    s.acceptor.start();
    log.info("twin OTA file server on http://{}:{}", address.getHostAddress(), s.port());
    return s;
  }

  /** Starts on 127.0.0.1 and a free port, with the system clock. */
  public static OtaFileServer startOnLoopback() throws IOException {
    return start(InetAddress.getLoopbackAddress(), 0, Clock.systemUTC());
  }

  public int port() {
    return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
  }

  /** {@code http://host:port}. */
  public URI endpoint() {
    InetSocketAddress a = (InetSocketAddress) server.socket().getLocalSocketAddress();
    return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort());
  }

  /** Serves a file under {@code key} (letters, digits, {@code . _ -}, segments joined by {@code /}). */
  public void put(String key, FileSource source) {
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("file key must be [A-Za-z0-9._-] segments joined by '/': " + key);
    }
    files.put(key, Objects.requireNonNull(source));
  }

  /** Stops serving a file. */
  public void remove(String key) {
    files.remove(key);
  }

  /** A pre-signed URL for the file under {@code key}, good for {@code expiresIn} (1 s to 7 days). */
  public String presign(String key, Duration expiresIn) {
    if (!files.containsKey(key)) {
      throw new IllegalArgumentException("no file under " + key);
    }
    long secs = Math.max(1, Math.min(expiresIn.toSeconds(), 604_800));
    String path = PREFIX + key;
    return endpoint() + path + "?" + signer.query(path, clock.instant(), secs);
  }

  /** The key URLs are signed with (kept by the twin's store, so that URLs survive a restart). A secret. */
  public byte[] signingKey() {
    return signer.key();
  }

  /** Signs and checks URLs with {@code key} from now on (the one a previous run used). */
  public void useSigningKey(byte[] key) {
    signer = new UrlSigner(key);
  }

  /** Expires every URL handed out so far; new ones work. */
  public void expireAll() {
    signer.expireAll();
  }

  public void faults(FileServerFaults value) {
    this.faults = Objects.requireNonNull(value);
  }

  /** Requests served (any status). */
  public long requests() {
    return requests.get();
  }

  /** Body bytes sent. */
  public long bytesSent() {
    return bytesSent.get();
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel c;
      try {
        c = server.accept();
      } catch (IOException e) {
        if (!closed) {
          log.warn("twin file server: accept failed: {}", e.toString());
        }
        return;
      }
      try {
        c.setOption(StandardSocketOptions.TCP_NODELAY, true);
        open.put(c, true);
        workers.execute(() -> serve(c));
      } catch (RejectedExecutionException | IOException e) {
        closeQuietly(c);
      }
    }
  }

  private void serve(SocketChannel c) {
    try (c) {
      InputStream in = new BufferedInputStream(Channels.newInputStream(c), 8192);
      HttpExchange x;
      while (!closed && (x = HttpExchange.read(in)) != null) {
        requests.incrementAndGet();
        if (!answer(c, x) || !x.keepAlive()) {
          return;
        }
      }
    } catch (IOException e) {
      log.debug("twin file server: connection ended: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(c);
    }
  }

  /** Answers one request; false when the connection must close. */
  private boolean answer(SocketChannel c, HttpExchange x) throws IOException, InterruptedException {
    FileServerFaults f = faults;
    if (f.stopAnswering()) {
      while (faults.stopAnswering() && !closed) {
        Thread.sleep(50);
      }
      return false;
    }
    if (!f.delay().isZero()) {
      Thread.sleep(f.delay().toMillis());
    }
    if (f.failNext() > 0 && consumeFailure(f)) {
      respond(c, f.failStatus(), "InternalError", "Injected failure", x.keepAlive());
      return true;
    }
    if (!x.method().equals("GET") && !x.method().equals("HEAD")) {
      respond(c, 405, "MethodNotAllowed", "The specified method is not allowed against this resource.", x.keepAlive());
      return true;
    }
    if (!x.rawPath().startsWith(PREFIX)) {
      respond(c, 404, "NoSuchKey", "The specified key does not exist.", x.keepAlive());
      return true;
    }
    String key = URLDecoder.decode(x.rawPath().substring(PREFIX.length()), StandardCharsets.UTF_8);
    FileSource source = files.get(key);
    UrlSigner.Verdict v = signer.check(x.rawPath(), x.query(), clock.instant());
    if (v == UrlSigner.Verdict.EXPIRED) {
      respond(c, 403, "AccessDenied", "Request has expired", x.keepAlive());
      return true;
    }
    if (v == UrlSigner.Verdict.BAD_SIGNATURE) {
      respond(c, 403, "SignatureDoesNotMatch",
          "The request signature we calculated does not match the signature you provided.", x.keepAlive());
      return true;
    }
    if (source == null) {
      respond(c, 404, "NoSuchKey", "The specified key does not exist.", x.keepAlive());
      return true;
    }
    return sendFile(c, x, source, f);
  }

  private synchronized boolean consumeFailure(FileServerFaults f) {
    if (faults != f || f.failNext() <= 0) {
      return false;
    }
    faults = f.withFailures(f.failNext() - 1, f.failStatus());
    return true;
  }

  private synchronized boolean consumeDrop(FileServerFaults f) {
    FileServerFaults now = faults;
    if (now.dropNext() <= 0) {
      return false;
    }
    faults = now.withDrops(now.dropNext() - 1, now.dropAfterBytes());
    return true;
  }

  private boolean sendFile(SocketChannel c, HttpExchange x, FileSource source, FileServerFaults f) throws IOException {
    long size = source.size();
    long[] r = HttpExchange.range(x.headers().get("range"), size);
    if (r != null && r[0] < 0) {
      head(c, 416, "application/xml", 0, "Content-Range: bytes */" + size + "\r\n", x.keepAlive());
      return true;
    }
    long start = r == null ? 0 : r[0];
    long end = r == null ? size - 1 : r[1];
    long length = end - start + 1;
    String extra = "Accept-Ranges: bytes\r\n" + (r == null ? "" : "Content-Range: bytes " + start + "-" + end + "/" + size + "\r\n");
    head(c, r == null ? 200 : 206, "application/octet-stream", length, extra, x.keepAlive());
    if (x.method().equals("HEAD")) {
      return true;
    }
    long limit = f.dropNext() > 0 && consumeDrop(f) ? Math.min(length, f.dropAfterBytes()) : length;
    long sent = body(c, source, start, limit);
    bytesSent.addAndGet(sent);
    return limit == length;
  }

  private static long body(SocketChannel c, FileSource source, long start, long length) throws IOException {
    if (source.path() != null) {
      try (FileChannel fc = FileChannel.open(source.path(), StandardOpenOption.READ)) {
        long done = 0;
        while (done < length) {
          long n = fc.transferTo(start + done, length - done, c);
          if (n <= 0) {
            break;
          }
          done += n;
        }
        return done;
      }
    }
    long done = 0;
    while (done < length) {
      byte[] chunk = source.read(start + done, (int) Math.min(256 * 1024, length - done));
      if (chunk.length == 0) {
        break;
      }
      write(c, ByteBuffer.wrap(chunk));
      done += chunk.length;
    }
    return done;
  }

  private static void respond(SocketChannel c, int status, String code, String message, boolean keepAlive)
      throws IOException {
    byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
        + "</Message></Error>").getBytes(StandardCharsets.UTF_8);
    head(c, status, "application/xml", body.length, "", keepAlive);
    write(c, ByteBuffer.wrap(body));
  }

  private static void head(SocketChannel c, int status, String type, long length, String extra, boolean keepAlive)
      throws IOException {
    String h = "HTTP/1.1 " + status + " " + reason(status) + "\r\nContent-Type: " + type + "\r\nContent-Length: "
        + length + "\r\n" + extra + "Connection: " + (keepAlive ? "keep-alive" : "close") + "\r\n\r\n";
    write(c, ByteBuffer.wrap(h.getBytes(StandardCharsets.US_ASCII)));
  }

  private static void write(SocketChannel c, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      c.write(b);
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 206 -> "Partial Content";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 416 -> "Range Not Satisfiable";
      case 429 -> "Too Many Requests";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }

  private static void closeQuietly(SocketChannel c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    open.keySet().forEach(OtaFileServer::closeQuietly);
    workers.shutdownNow();
    try {
      acceptor.join(2000);
      workers.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
