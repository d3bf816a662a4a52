package dev.thingbridge.transfer;

import dev.thingbridge.internal.Backoff;
import dev.thingbridge.transfer.internal.BlockLedger;
import dev.thingbridge.transfer.internal.ContentRange;
import dev.thingbridge.transfer.internal.Redaction;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file over HTTP from its pre-signed URL ({@code update_data_url}) with {@code Range} requests, several blocks
 * at a time, each answered range checked ({@code 206} with a {@code Content-Range} that names the bytes asked
 * for and the file's size; a {@code 200} for the whole file is taken as such).
 *
 * <p>The body is read ahead of the file ({@link PrefetchingBody}) and taken in runs of blocks: one write and one
 * update of the checks per run. What arrived is checkpointed as it comes (in the background, every {@code
 * checkpointBlocks} blocks, at most once a second) and whenever a request fails, so a kill costs about a second of
 * download, not a whole range.
 *
 * <p>Failures of the network and {@code 5xx}/{@code 429} answers are retried with exponential backoff and
 * jitter ({@code httpBackoff}, doubling up to 30 s, ±50 %; {@code httpMaxAttempts} in a row without progress). A
 * {@code 403} means the URL expired: the URL is fetched again from the job ({@link UrlSource#refresh}) and the
 * download goes on with it where it stopped; a second 403 before any further block fails with {@code url_expired}. A range that stalls for {@code
 * httpTimeout} is abandoned and retried. Cancellation closes the response at once.
 *
 * <p>The URL is a credential: it never appears in a log line or an exception message.
 */
final class HttpRangeDownload {
  private static final Logger log = LoggerFactory.getLogger(HttpRangeDownload.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  /** Chunks (16 KiB each with the JDK's client) asked for ahead of the reader: about 1 MiB in flight. */
  private static final int PREFETCH_CHUNKS = 64;
  /** Bytes taken from the body before they go to the file with one write and into the hash in one call. */
  private static final int RUN_BYTES = 512 * 1024;

  /** Where the URL of a file comes from, and a fresh one after it expired. */
  public interface UrlSource {
    String url(OtaFile file);

    /** A new URL for the file (the job document fetched again), or empty when there is none. */
    Optional<String> refresh(String jobId, OtaFile file) throws InterruptedException;
  }

  private final HttpClient client;
  private final OtaConfig config;
  private final Cancellation cancel;
  private final UrlSource urls;
  private final ScheduledExecutorService watchdog;
  private final String jobId;
  private final Backoff retries;
  private long requests;

  public HttpRangeDownload(HttpClient client, OtaConfig config, Cancellation cancel, UrlSource urls,
      ScheduledExecutorService watchdog, String jobId) {
    this.client = client;
    this.config = config;
    this.cancel = cancel;
    this.urls = urls;
    this.watchdog = watchdog;
    this.jobId = jobId;
    Duration first = config.httpBackoff();
    this.retries = new Backoff(first, first.compareTo(MAX_BACKOFF) > 0 ? first : MAX_BACKOFF, 0.5);
  }

  /** Range requests sent so far. */
  public long requests() {
    return requests;
  }

  /** Downloads every block {@code ingest} is missing. */
  public void download(FileIngest ingest) throws OtaException, InterruptedException {
    OtaFile file = ingest.file();
    BlockLedger ledger = ingest.ledger();
    String url = urls.url(file);
    if (url == null || url.isBlank()) {
      throw new OtaException(OtaErrorCode.INVALID_DOCUMENT, "file " + file.filepath() + " has no update_data_url");
    }
    int failures = 0;
    String lastFailure = null;
    boolean refreshedSinceProgress = false;
    while (!ledger.isComplete()) {
      cancel.check();
      long first = ledger.nextMissing(0);
      long last = first;
      while (last + 1 < ledger.totalBlocks() && !ledger.has(last + 1) && last - first + 1 < config.httpBlocksPerRequest()) {
        last++;
      }
      long from = first * ledger.blockSize();
      long to = Math.min((last + 1) * ledger.blockSize(), ledger.fileSize()) - 1;
      int before = ledger.receivedCount();
      Attempt a = fetch(url, from, to, ingest);
      if (a.outcome != Outcome.DONE) {
        // A download going well checkpoints as blocks come (at most once a second); one that stops keeps what it has.
        ingest.checkpoint();
      }
      if (ledger.receivedCount() > before) {
        failures = 0;
        refreshedSinceProgress = false;
      } else if (a.outcome == Outcome.DONE) {
        a = new Attempt(Outcome.RETRY, a.detail == null ? "the range brought no block" : a.detail);
      }
      switch (a.outcome) {
        case DONE -> { }
        case EXPIRED -> {
          url = refreshed(url, file, refreshedSinceProgress);
          refreshedSinceProgress = true;
        }
        case RETRY -> {
          failures++;
          lastFailure = a.detail;
          if (failures >= config.httpMaxAttempts()) {
            throw new OtaException(OtaErrorCode.DOWNLOAD_FAILED, "HTTP download of " + file.filepath() + " failed "
                + failures + " times in a row; last: " + lastFailure);
          }
          long delay = retries.jittered(failures).toMillis();
          log.info("ota {}: HTTP range of {} failed ({}); retry {} in {} ms", jobId, file.filepath(), a.detail,
              failures, delay);
          sleep(delay);
        }
        case FAILED -> throw new OtaException(OtaErrorCode.DOWNLOAD_FAILED, "HTTP download of " + file.filepath()
            + " refused: " + a.detail);
      }
    }
  }

  /**
   * The URL to go on with after {@code url} was refused with a 403: the job's URL fetched anew (AWS signs it again
   * on each fetch of the job document). Once per refusal: a URL refused again before any block came is the end, as
   * is a job document that gives no URL. When the job gives the same URL it is tried once more (the 403 may have
   * been the server's, not the URL's).
   */
  private String refreshed(String url, OtaFile file, boolean alreadyRefreshed)
      throws OtaException, InterruptedException {
    if (alreadyRefreshed) {
      throw new OtaException(OtaErrorCode.URL_EXPIRED, "the pre-signed URL of " + file.filepath()
          + " was refused (HTTP 403) again after the job's URL was fetched anew");
    }
    Optional<String> fresh = urls.refresh(jobId, file);
    if (fresh.isEmpty() || fresh.get().isBlank()) {
      throw new OtaException(OtaErrorCode.URL_EXPIRED, "the pre-signed URL of " + file.filepath()
          + " was refused (HTTP 403) and the job document gave none to replace it");
    }
    if (fresh.get().equals(url)) {
      log.info("ota {}: the URL of {} was refused (HTTP 403); the job still gives it, trying it once more", jobId,
          file.filepath());
    } else {
      log.info("ota {}: the URL of {} was refused (HTTP 403); going on with the job's new one", jobId,
          file.filepath());
    }
    return fresh.get();
  }

  private enum Outcome { DONE, RETRY, EXPIRED, FAILED }

  private record Attempt(Outcome outcome, String detail) {}

  private Attempt fetch(String url, long from, long to, FileIngest ingest) throws OtaException, InterruptedException {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create(url)).GET().timeout(config.httpTimeout())
          .header("Range", "bytes=" + from + "-" + to).build();
    } catch (IllegalArgumentException e) {
      return new Attempt(Outcome.FAILED, "the pre-signed URL is not a valid http(s) URL");
    }
    requests++;
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, PrefetchingBody.handler(PREFETCH_CHUNKS));
    } catch (IOException e) {
      return new Attempt(Outcome.RETRY, describe(e, url));
    } catch (IllegalArgumentException e) {
      // The JDK's client throws this for an answer it cannot parse (e.g. a Content-Length that is not a number).
      return new Attempt(Outcome.RETRY, "the server's answer is malformed");
    }
    try (InputStream body = response.body()) {
      int status = response.statusCode();
      if (status == 403) {
        return new Attempt(Outcome.EXPIRED, "HTTP 403");
      }
      if (status == 429 || status >= 500) {
        return new Attempt(Outcome.RETRY, "HTTP " + status);
      }
      long start;
      long end;
      long fileSize = ingest.ledger().fileSize();
      if (status == 206) {
        String header = response.headers().firstValue("Content-Range").orElse("");
        Optional<ContentRange> range = ContentRange.parse(header);
        if (range.isEmpty()) {
          return new Attempt(Outcome.FAILED, "206 without a valid Content-Range: " + printable(header));
        }
        if (!range.get().answers(from, to, fileSize)) {
          return new Attempt(Outcome.FAILED, "Content-Range " + printable(header) + " does not answer bytes " + from
              + "-" + to + " of a " + fileSize + "-byte file");
        }
        start = range.get().first();
        end = range.get().last() + 1;
      } else if (status == 200) {
        long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (length >= 0 && length != fileSize) {
          return new Attempt(Outcome.FAILED, "the server ignores Range and sends " + length + " bytes for a "
              + fileSize + "-byte file");
        }
        start = 0;
        end = fileSize;
      } else {
        return new Attempt(Outcome.FAILED, "HTTP " + status);
      }
      return read(body, start, end, ingest);
    } catch (IOException e) {
      return new Attempt(Outcome.RETRY, describe(e, url));
    } catch (NumberFormatException e) {
      return new Attempt(Outcome.RETRY, "the server's Content-Length is not a number");
    }
  }

  /** A header value fit for a log line: at most 80 printable ASCII characters. */
  private static String printable(String header) {
    String s = header.replaceAll("[^\\x20-\\x7e]", "?");
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  /**
   * Reads whole blocks from {@code start} (a block boundary) until the body or the answered range ({@code end},
   * exclusive) ends; bytes a server sends beyond the range it names are not taken. Blocks are taken in runs of up
   * to {@code RUN_BYTES}: one write to the file and one update of the checks per run.
   */
  private Attempt read(InputStream body, long start, long end, FileIngest ingest)
      throws IOException, OtaException, InterruptedException {
    BlockLedger ledger = ingest.ledger();
    int bs = ledger.blockSize();
    byte[] buf = new byte[Math.max(1, RUN_BYTES / bs) * bs];
    long block = start / bs;
    AtomicLong lastRead = new AtomicLong(System.nanoTime());
    AtomicBoolean stalled = new AtomicBoolean();
    Runnable closer = () -> {
      try {
        body.close();
      } catch (IOException ignored) {
        // closing unblocks the reader; nothing else to do
      }
    };
    cancel.onCancel(closer);
    long timeoutNanos = config.httpTimeout().toNanos();
    ScheduledFuture<?> dog = watchdog.scheduleAtFixedRate(() -> {
      if (System.nanoTime() - lastRead.get() > timeoutNanos) {
        stalled.set(true);
        closer.run();
      }
    }, timeoutNanos / 4, timeoutNanos / 4, TimeUnit.NANOSECONDS);
    try {
      while (block < ledger.totalBlocks() && block * bs < end) {
        long from = block * bs;
        long until = Math.min(Math.min(from + buf.length, ledger.fileSize()), end);
        if (until < ledger.fileSize()) {
          until = until / bs * bs; // whole blocks only; the file's last block may be short
        }
        if (until <= from) {
          return new Attempt(Outcome.DONE, "the range ended inside block " + block);
        }
        int want = (int) (until - from);
        int got = 0;
        while (got < want) {
          int n;
          try {
            n = body.read(buf, got, want - got);
          } catch (IOException e) {
            cancel.check();
            if (stalled.get()) {
              return new Attempt(Outcome.RETRY, "no data for " + config.httpTimeout().toSeconds() + " s");
            }
            throw e;
          }
          if (n < 0) {
            break;
          }
          got += n;
          lastRead.set(System.nanoTime());
        }
        int whole = got == want ? want : got / bs * bs;
        if (whole > 0) {
          ingest.acceptRun(block, buf, 0, whole);
          block += (whole + bs - 1) / bs;
        }
        if (got < want) {
          return new Attempt(Outcome.DONE, got == whole ? null : "the range ended inside block " + block);
        }
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
      return new Attempt(Outcome.DONE, null);
    } finally {
      dog.cancel(false);
      cancel.removeHook(closer);
    }
  }


  private void sleep(long millis) throws OtaException, InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < end) {
      cancel.check();
      Thread.sleep(Math.min(100, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
    }
    cancel.check();
  }

  /** An I/O failure in words, with the URL (and any part of it) taken out. */
  static String describe(IOException e, String url) {
    String m = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return Redaction.redact(m, url);
  }
}
