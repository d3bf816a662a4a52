package dev.thingbridge.twin.ota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.testing.SteppedClock;
import dev.thingbridge.twin.streams.FileSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The twin's stand-in for S3 pre-signed URLs, through the JDK's HTTP client. */
class OtaFileServerTest {
  @TempDir Path dir;
  private final SteppedClock clock = new SteppedClock(java.time.Instant.parse("2026-01-01T00:00:00Z"));
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final byte[] content = new byte[100_000];
  private OtaFileServer server;

  @BeforeEach
  void setUp() throws IOException {
    new Random(3).nextBytes(content);
    server = OtaFileServer.start(InetAddress.getLoopbackAddress(), 0, clock);
    Path f = dir.resolve("fw.bin");
    Files.write(f, content);
    server.put("job-1/0", FileSource.of(f));
    server.put("mem", FileSource.of(new byte[] {1, 2, 3, 4, 5}));
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private HttpResponse<byte[]> get(String url, String range) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET();
    if (range != null) {
      b.header("Range", range);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void a_range_is_answered_with_206_and_its_content_range() throws Exception {
    String url = server.presign("job-1/0", Duration.ofMinutes(5));
    assertThat(url).contains("X-Amz-Signature=").contains("X-Amz-Expires=300");
    HttpResponse<byte[]> r = get(url, "bytes=4096-8191");
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.headers().firstValue("Content-Range")).contains("bytes 4096-8191/100000");
    assertThat(r.headers().firstValue("Accept-Ranges")).contains("bytes");
    assertThat(r.body()).isEqualTo(Arrays.copyOfRange(content, 4096, 8192));
    HttpResponse<byte[]> tail = get(url, "bytes=99000-120000");
    assertThat(tail.headers().firstValue("Content-Range")).contains("bytes 99000-99999/100000");
    assertThat(tail.body()).hasSize(1000);
    assertThat(get(url, "bytes=-10").body()).isEqualTo(Arrays.copyOfRange(content, 99_990, 100_000));
    assertThat(get(url, "bytes=99995-").body()).hasSize(5);
  }

  @Test
  void no_usable_range_gives_the_whole_file_and_an_unsatisfiable_one_416() throws Exception {
    String url = server.presign("job-1/0", Duration.ofMinutes(5));
    HttpResponse<byte[]> whole = get(url, null);
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.body()).isEqualTo(content);
    assertThat(get(url, "bytes=0-1,5-6").statusCode()).isEqualTo(200);
    HttpResponse<byte[]> out = get(url, "bytes=100000-100100");
    assertThat(out.statusCode()).isEqualTo(416);
    assertThat(out.headers().firstValue("Content-Range")).contains("bytes */100000");
    assertThat(get(server.presign("mem", Duration.ofMinutes(1)), "bytes=1-2").body()).containsExactly(2, 3);
  }

  @Test
  void an_expired_or_tampered_url_is_refused_with_403() throws Exception {
    String url = server.presign("job-1/0", Duration.ofSeconds(60));
    assertThat(get(url, "bytes=0-1").statusCode()).isEqualTo(206);
    clock.advance(Duration.ofSeconds(61));
    HttpResponse<byte[]> expired = get(url, "bytes=0-1");
    assertThat(expired.statusCode()).isEqualTo(403);
    assertThat(new String(expired.body())).contains("<Code>AccessDenied</Code>").contains("Request has expired");
    String fresh = server.presign("job-1/0", Duration.ofSeconds(60));
    assertThat(get(fresh, "bytes=0-1").statusCode()).isEqualTo(206);
    String tampered = fresh.replaceAll("X-Amz-Expires=60", "X-Amz-Expires=999");
    assertThat(new String(get(tampered, null).body())).contains("SignatureDoesNotMatch");
    String otherPath = fresh.replace("/job-1/0?", "/mem?");
    assertThat(get(otherPath, null).statusCode()).isEqualTo(403);
    server.expireAll();
    assertThat(get(fresh, null).statusCode()).isEqualTo(403);
    assertThat(get(server.presign("job-1/0", Duration.ofSeconds(60)), "bytes=0-0").statusCode()).isEqualTo(206);
  }

  @Test
  void a_removed_file_is_404_and_head_sends_no_body() throws Exception {
    String url = server.presign("mem", Duration.ofMinutes(1));
    HttpResponse<Void> head = http.send(HttpRequest.newBuilder(URI.create(url)).method("HEAD",
        HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(5);
    server.remove("mem");
    assertThat(get(url, null).statusCode()).isEqualTo(404);
    assertThat(get(server.endpoint() + "/elsewhere", null).statusCode()).isEqualTo(404);
  }

  @Test
  void fault_knobs_fail_cut_off_and_silence_answers() throws Exception {
    String url = server.presign("job-1/0", Duration.ofMinutes(5));
    server.faults(FileServerFaults.NONE.withFailures(1, 503));
    assertThat(get(url, null).statusCode()).isEqualTo(503);
    assertThat(get(url, null).statusCode()).isEqualTo(200);
    server.faults(FileServerFaults.NONE.withDrops(1, 1000));
    assertThatThrownBy(() -> get(url, null)).isInstanceOf(IOException.class);
    assertThat(get(url, null).body()).hasSize(100_000);
    server.faults(FileServerFaults.NONE.withStopAnswering(true));
    HttpRequest slow = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(300)).build();
    assertThatThrownBy(() -> http.send(slow, HttpResponse.BodyHandlers.discarding()))
        .isInstanceOf(HttpTimeoutException.class);
    server.faults(FileServerFaults.NONE);
    assertThat(get(url, "bytes=0-0").statusCode()).isEqualTo(206);
    assertThat(server.requests()).isGreaterThanOrEqualTo(6);
  }
}
