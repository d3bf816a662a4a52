package dev.thingbridge.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.transfer.internal.PartialDownload;
import dev.thingbridge.twin.ota.OtaFileServer;
import dev.thingbridge.twin.streams.FileSource;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pre-signed URL that expires in the middle of an HTTP download when the job can give a new one, as AWS does (it
 * signs the URL anew each time the device fetches the job document; the twin's jobs hand out the URL they were
 * created with, so this path is driven here with a URL source that signs anew on the twin's real file server).
 */
class HttpUrlRefreshTest {
  private static final int BLOCK = 1024;
  private static final OtaConfig CONFIG = OtaConfig.defaults().toBuilder().blockSize(BLOCK).httpBlocksPerRequest(32)
      .httpBackoff(Duration.ofMillis(1)).build();

  @TempDir Path dir;
  private OtaFileServer files;
  private ScheduledExecutorService timers;

  @BeforeEach
  void start() throws Exception {
    files = OtaFileServer.startOnLoopback();
    timers = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterEach
  void stop() {
    timers.shutdownNow();
    files.close();
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] b = new byte[size];
    new java.util.Random(seed).nextBytes(b);
    return b; // not OtaTestbed's: its class makes a signing key this test does not need
  }

  /** Signs a new URL on each refresh, and records the refreshes. */
  private class SigningUrls implements HttpRangeDownload.UrlSource {
    final List<String> handedOut = new CopyOnWriteArrayList<>();

    @Override
    public String url(OtaFile file) {
      return file.updateDataUrl();
    }

    @Override
    public Optional<String> refresh(String jobId, OtaFile file) {
      String url = files.presign("fw.bin", Duration.ofHours(1));
      handedOut.add(url);
      return Optional.of(url);
    }
  }

  /** Downloads {@code content} through the file server, calling {@code onBlock} with each new block id. */
  private byte[] download(byte[] content, SigningUrls urls, java.util.function.LongConsumer onBlock) throws Exception {
    Path source = Files.write(dir.resolve("fw.bin"), content);
    files.put("fw.bin", FileSource.of(source));
    OtaFile file = new OtaFile(0, "fw.bin", content.length, 0, null, files.presign("fw.bin", Duration.ofHours(1)),
        null, Map.of(), 0, null, null);
    try (PartialDownload partial = PartialDownload.open(dir.resolve("partial"), "refresh", content.length, BLOCK,
        false)) {
      FileIngest ingest = new FileIngest(file, partial, 1_000, (i, blockId, size) -> onBlock.accept(blockId));
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      new HttpRangeDownload(client, CONFIG, Cancellation.following(new CompletableFuture<>()), urls, timers, "job")
          .download(ingest);
      assertThat(ingest.ledger().isComplete()).isTrue();
      return Files.readAllBytes(partial.dataFile());
    }
  }

  @Test
  void an_url_that_expires_mid_download_is_replaced_by_the_jobs_new_one_and_the_download_goes_on() throws Exception {
    byte[] content = randomBytes(300_000, 41);
    SigningUrls urls = new SigningUrls();
    AtomicBoolean expired = new AtomicBoolean();
    byte[] got = download(content, urls, blockId -> {
      if (blockId >= 100 && expired.compareAndSet(false, true)) {
        files.expireAll();
      }
    });

    assertThat(got).isEqualTo(content);
    assertThat(urls.handedOut).as("URLs fetched anew").hasSize(1);
    long ranges = (content.length / BLOCK + 1 + 31) / 32;
    assertThat(files.requests()).as("the ranges and the refused one: nothing fetched twice")
        .isEqualTo(ranges + 1);
  }

  @Test
  void a_new_url_refused_too_before_any_block_fails_with_url_expired_after_one_refresh() throws Exception {
    byte[] content = randomBytes(100_000, 42);
    SigningUrls urls = new SigningUrls() {
      @Override
      public Optional<String> refresh(String jobId, OtaFile file) {
        Optional<String> fresh = super.refresh(jobId, file);
        files.expireAll(); // the new URL is dead on arrival
        return fresh;
      }
    };
    AtomicBoolean expired = new AtomicBoolean();
    try {
      download(content, urls, blockId -> {
        if (blockId >= 40 && expired.compareAndSet(false, true)) {
          files.expireAll();
        }
      });
      throw new AssertionError("the download should have failed");
    } catch (OtaException e) {
      assertThat(e.code()).isEqualTo(OtaErrorCode.URL_EXPIRED);
      assertThat(e.getMessage()).isEqualTo(
          "the pre-signed URL of fw.bin was refused (HTTP 403) again after the job's URL was fetched anew");
    }
    assertThat(urls.handedOut).as("URLs fetched anew").hasSize(1);
  }
}
