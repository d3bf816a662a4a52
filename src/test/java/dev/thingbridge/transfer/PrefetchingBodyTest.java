package dev.thingbridge.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The read-ahead body of HTTP downloads: bounded demand, reads across chunks, close from another thread. */
class PrefetchingBodyTest {
  private static final class CountingSubscription implements Flow.Subscription {
    final AtomicLong requested = new AtomicLong();
    final AtomicBoolean cancelled = new AtomicBoolean();

    @Override
    public void request(long n) {
      requested.addAndGet(n);
    }

    @Override
    public void cancel() {
      cancelled.set(true);
    }
  }

  private static ByteBuffer bytes(int from, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (from + i);
    }
    return ByteBuffer.wrap(b);
  }

  @Test
  void it_asks_for_prefetch_chunks_ahead_and_one_more_per_chunk_read() throws Exception {
    PrefetchingBody body = new PrefetchingBody(4);
    CountingSubscription s = new CountingSubscription();
    body.onSubscribe(s);
    assertThat(s.requested.get()).isEqualTo(4);
    body.onNext(List.of(bytes(0, 10), bytes(10, 5)));
    body.onNext(List.of(ByteBuffer.allocate(0))); // nothing in it: asked for again at once
    assertThat(s.requested.get()).isEqualTo(5);
    body.onNext(List.of(bytes(15, 10)));
    byte[] into = new byte[100];
    int n = body.read(into, 0, 12); // across the two buffers of the first chunk
    assertThat(n).isEqualTo(12);
    assertThat(s.requested.get()).isEqualTo(5); // the first chunk is not used up yet
    n += body.read(into, n, 100 - n); // the rest of the first chunk and the whole second one
    assertThat(n).isEqualTo(25);
    for (int i = 0; i < 25; i++) {
      assertThat(into[i]).isEqualTo((byte) i);
    }
    assertThat(s.requested.get()).isEqualTo(7);
    body.onComplete();
    assertThat(body.read(into, 0, 10)).isEqualTo(-1);
  }

  @Test
  void an_error_comes_after_the_bytes_that_arrived_before_it() throws Exception {
    PrefetchingBody body = new PrefetchingBody(2);
    body.onSubscribe(new CountingSubscription());
    body.onNext(List.of(bytes(0, 3)));
    body.onError(new IOException("connection reset"));
    assertThat(body.read(new byte[10], 0, 10)).isEqualTo(3);
    assertThatThrownBy(() -> body.read(new byte[10], 0, 10)).isInstanceOf(IOException.class)
        .hasMessageContaining("connection reset");
  }

  @Test
  void close_from_another_thread_fails_a_waiting_read_and_cancels_the_body() throws Exception {
    PrefetchingBody body = new PrefetchingBody(2);
    CountingSubscription s = new CountingSubscription();
    body.onSubscribe(s);
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        body.read(new byte[10], 0, 10);
        failure.complete(null);
      } catch (IOException e) {
        failure.complete(e);
      }
    }, "body-reader");
    reader.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> reader.getState() == Thread.State.WAITING);
    body.close();
    assertThat(failure.get(5, TimeUnit.SECONDS)).isInstanceOf(IOException.class).hasMessageContaining("closed");
    assertThat(s.cancelled).isTrue();
  }

  @Test
  void a_real_response_reads_whole_through_the_jdk_client() throws Exception {
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] content = new byte[3 * 1024 * 1024 + 17];
    new java.util.Random(5).nextBytes(content);
    server.createContext("/f", x -> {
      x.sendResponseHeaders(200, content.length);
      x.getResponseBody().write(content);
      x.close();
    });
    server.start();
    try {
      HttpClient client = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/f");
      HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(uri).build(), PrefetchingBody.handler(8));
      try (InputStream in = r.body()) {
        assertThat(in.readAllBytes()).isEqualTo(content);
      }
    } finally {
      server.stop(0);
    }
  }
}
