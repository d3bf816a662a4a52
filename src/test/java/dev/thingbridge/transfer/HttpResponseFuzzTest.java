package dev.thingbridge.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.thingbridge.transfer.internal.PartialDownload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Any bytes as the answer of the server behind a pre-signed URL, written verbatim on a real socket and read by the
 * JDK's HTTP client: the download either takes valid blocks or ends in {@link OtaException} with {@code
 * download_failed} or {@code url_expired}, whose message never holds the URL's signature. Runs the seeds and a
 * fixed-seed mutation sweep in {@code mvn test}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class HttpResponseFuzzTest {
  private static final int SIZE = 2 * 1024 + 500;
  private static final String SECRET = "X-Amz-Signature=0123456789abcdef";
  private static final OtaConfig CONFIG = OtaConfig.defaults().toBuilder().blockSize(1024).httpMaxAttempts(2)
      .httpBackoff(Duration.ofMillis(1)).httpTimeout(Duration.ofSeconds(2)).build();
  private static final RawServer SERVER = new RawServer();
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "http-fuzz-watchdog");
    t.setDaemon(true);
    return t;
  });

  /** Answers every connection with the current bytes, then closes it. */
  private static final class RawServer {
    private final AtomicReference<byte[]> answer = new AtomicReference<>(new byte[0]);
    private final ServerSocket socket;

    RawServer() {
      try {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      Thread t = new Thread(this::serve, "http-fuzz-server");
      t.setDaemon(true);
      t.start();
    }

    String url() {
      return "http://127.0.0.1:" + socket.getLocalPort() + "/f.bin?" + SECRET;
    }

    private void serve() {
      while (true) {
        try (Socket s = socket.accept()) {
          s.setSoTimeout(2000);
          readRequest(s.getInputStream());
          OutputStream out = s.getOutputStream();
          out.write(answer.get());
          out.flush();
          s.shutdownOutput();
        } catch (IOException e) {
          // the client went away; next connection
        }
      }
    }

    private static void readRequest(InputStream in) throws IOException {
      int matched = 0;
      byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      for (int n = 0; n < 16_384 && matched < end.length; n++) {
        int b = in.read();
        if (b < 0) {
          return;
        }
        matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
      }
    }
  }

  @FuzzTest(maxDuration = "60s")
  void any_http_answer_ends_in_blocks_or_a_typed_failure(byte[] input) throws Exception {
    check(input);
  }

  static void check(byte[] answer) throws Exception {
    SERVER.answer.set(answer);
    Path dir = Files.createTempDirectory("http-fuzz");
    OtaFile file = new OtaFile(0, "f.bin", SIZE, 0, null, SERVER.url(), null, Map.of(), 0, null, null);
    HttpRangeDownload.UrlSource urls = new HttpRangeDownload.UrlSource() {
      @Override
      public String url(OtaFile f) {
        return f.updateDataUrl();
      }

      @Override
      public Optional<String> refresh(String jobId, OtaFile f) {
        return Optional.empty();
      }
    };
    try (PartialDownload partial = PartialDownload.open(dir, "fuzz", SIZE, 1024, false)) {
      FileIngest ingest = new FileIngest(file, partial, 1_000, (i, id, size) -> {});
      HttpRangeDownload download = new HttpRangeDownload(CLIENT, CONFIG,
          Cancellation.following(new CompletableFuture<>()), urls, TIMERS, "fuzz");
      try {
        download.download(ingest);
        assertThat(ingest.ledger().isComplete()).isTrue();
      } catch (OtaException e) {
        assertThat(e.code()).isIn(OtaErrorCode.DOWNLOAD_FAILED, OtaErrorCode.URL_EXPIRED);
        assertThat(e.getMessage()).doesNotContain(SECRET.substring(SECRET.indexOf('=') + 1));
      }
    } finally {
      PartialDownload.deleteTree(dir);
    }
  }

  private static byte[] response(String head, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(body);
    return out.toByteArray();
  }

  static List<byte[]> seeds() {
    byte[] content = new byte[SIZE];
    new Random(3).nextBytes(content);
    List<byte[]> s = new ArrayList<>();
    s.add(response("HTTP/1.1 206 Partial Content\nContent-Range: bytes 0-" + (SIZE - 1) + "/" + SIZE
        + "\nContent-Length: " + SIZE + "\n\n", content));
    s.add(response("HTTP/1.1 200 OK\nContent-Length: " + SIZE + "\n\n", content));
    s.add(response("HTTP/1.1 206 Partial Content\nContent-Range: bytes 0-1023/" + SIZE + "\nContent-Length: "
        + SIZE + "\n\n", content));
    s.add(response("HTTP/1.1 206 Partial Content\nContent-Range: bytes 99999999999999999999-1/5\n"
        + "Content-Length: 4\n\n", new byte[4]));
    s.add(response("HTTP/1.1 200 OK\nContent-Length: 12abc\n\n", new byte[12]));
    s.add(response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", "zz\r\nabc\r\n0\r\n\r\n".getBytes()));
    s.add(response("HTTP/1.1 403 Forbidden\nContent-Length: 0\n\n", new byte[0]));
    s.add(response("HTTP/1.1 503 Slow Down\nContent-Length: 0\n\n", new byte[0]));
    s.add(response("HTTP/1.1 302 Found\nLocation: http://169.254.169.254/\nContent-Length: 0\n\n", new byte[0]));
    s.add("garbage\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    return s;
  }

  @Test
  void fixed_seed_mutations_of_real_answers_end_in_blocks_or_a_typed_failure() throws Exception {
    List<byte[]> seeds = seeds();
    for (byte[] seed : seeds) {
      check(seed);
    }
    Random random = new Random(20261207L);
    for (int i = 0; i < 150; i++) {
      byte[] m = seeds.get(random.nextInt(seeds.size())).clone();
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits && m.length > 0; e++) {
        int headEnd = Math.min(m.length, 120);
        switch (random.nextInt(3)) {
          case 0 -> m[random.nextInt(headEnd)] = (byte) (0x20 + random.nextInt(0x5f));
          case 1 -> m = Arrays.copyOf(m, random.nextInt(m.length + 1));
          default -> {
            int at = random.nextInt(headEnd);
            byte[] digits = Integer.toString(random.nextInt(1 << 20)).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(digits, 0, m, at, Math.min(digits.length, m.length - at));
          }
        }
      }
      check(m);
    }
  }
}
