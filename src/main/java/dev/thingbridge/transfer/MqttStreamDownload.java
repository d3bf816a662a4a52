package dev.thingbridge.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.ConnectionState;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttClosedException;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttSessionLostException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.transfer.internal.BlockLedger;
import dev.thingbridge.transfer.model.GetStreamRequest;
import dev.thingbridge.transfer.model.StreamBlock;
import dev.thingbridge.transfer.model.StreamDescription;
import dev.thingbridge.transfer.model.StreamError;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of one job over an AWS IoT MQTT stream (rustot-spec §7.5, FreeRTOS {@code ota_mqtt.c}).
 *
 * <p>One pull subscription (data, rejected and description at QoS 0; notify-next at QoS 1) serves every file of
 * the job. For each file the download asks for a window of missing blocks ({@code o}, {@code b}, at most {@code
 * n} of them) and counts the batch down as new blocks are written; duplicates do not count. When the batch is
 * done it asks for the rest of the window, and when the window is empty it checkpoints and moves to the next
 * missing block.
 *
 * <p>Silence: after about four times the usual gap (at least 150 ms) without a new block, the window is asked
 * for again once, then less and less often; each {@code requestWait} of silence is a momentum step: the first is
 * a grace period, the next ones ask again, and more than {@code maxRequestMomentum} steps abort with {@code
 * momentum_abort}. While the client is disconnected nothing counts; after a reconnect, and after the broker
 * dropped the session (the client has resubscribed), the window is asked for again.
 *
 * <p>Blocks of another file, of a wrong size or out of range are ignored (and asked for again later) rather than
 * failing the job; a steady stream of them fails it with {@code failed_ingest}. A {@code rejected} reply fails
 * it, unless it is transient ({@code InternalError}, throttling), which waits and asks again. A notify-next that
 * names another job (or none) means ours was canceled or replaced: {@code user_abort}.
 */
final class MqttStreamDownload implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MqttStreamDownload.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BYTES_PER_REQUEST = 128 * 1024;
  private static final long MIN_EARLY_NANOS = TimeUnit.MILLISECONDS.toNanos(150);
  private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(30);

  private final MqttClient mqtt;
  private final StreamTopics topics;
  private final String jobId;
  private final String notifyNext;
  private final OtaConfig config;
  private final Cancellation cancel;
  private final long waitNanos;
  private Subscription sub;
  private StreamDescription description;
  private long requests;

  public MqttStreamDownload(MqttClient mqtt, String thingName, String streamName, String jobId, OtaConfig config,
      Cancellation cancel) {
    this.mqtt = mqtt;
    this.topics = new StreamTopics(thingName, streamName, config.streamFormat());
    this.jobId = jobId;
    this.notifyNext = "$aws/things/" + thingName + "/jobs/notify-next";
    this.config = config;
    this.cancel = cancel;
    this.waitNanos = config.requestWait().toNanos();
  }

  /** Requests sent so far (for tests and benchmarks). */
  public long requests() {
    return requests;
  }

  /**
   * Subscribes, then describes the stream (one {@code requestWait} at most; a stream service that does not
   * answer is tolerated).
   */
  public void open() throws OtaException, InterruptedException {
    List<SubscriptionFilter> filters = new ArrayList<>(List.of(
        SubscriptionFilter.of(topics.data(), QoS.AT_MOST_ONCE),
        SubscriptionFilter.of(topics.rejected(), QoS.AT_MOST_ONCE),
        SubscriptionFilter.of(topics.description(), QoS.AT_MOST_ONCE)));
    if (config.watchNotifyNext()) {
      filters.add(SubscriptionFilter.of(notifyNext, QoS.AT_LEAST_ONCE));
    }
    try {
      sub = mqtt.subscribe(filters).get(SUBSCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      Throwable c = e instanceof ExecutionException ? e.getCause() : e;
      throw new OtaException(OtaErrorCode.DOWNLOAD_FAILED, "could not subscribe to the stream: " + c, c);
    }
    describe();
  }

  private void describe() throws OtaException, InterruptedException {
    publish(StreamCodec.encodeDescribe(null, config.streamFormat()), topics.describe());
    long deadline = System.nanoTime() + waitNanos;
    while (System.nanoTime() < deadline) {
      cancel.check();
      MqttMessage m = next(deadline - System.nanoTime());
      if (m == null) {
        continue;
      }
      StreamTopics.Incoming kind = topics.parse(m.topic()).orElse(null);
      if (kind == StreamTopics.Incoming.DESCRIPTION) {
        try {
          description = StreamCodec.decodeDescription(m.payload(), config.streamFormat());
          return;
        } catch (StreamDecodeException e) {
          log.warn("ota {}: undecodable stream description ignored: {}", jobId, e.getMessage());
        }
      } else if (kind == StreamTopics.Incoming.REJECTED) {
        rejected(m);
      } else if (m.topic().equals(notifyNext)) {
        notifyNext(m);
      }
    }
    log.info("ota {}: the stream service did not describe the stream; going on without", jobId);
  }

  /** The stream's description, or null if the service gave none. */
  public StreamDescription description() {
    return description;
  }

  /** Downloads every block {@code ingest} is missing. */
  public void download(FileIngest ingest) throws OtaException, InterruptedException {
    new FileRun(ingest).run();
  }

  /** The state of one file's download. */
  private final class FileRun {
    private final FileIngest ingest;
    private final BlockLedger ledger;
    private final OtaFile file;
    private final int maxPerRequest;
    private final int invalidLimit;
    private BlockBitmap window;
    private int batch;
    private long lastProgress;
    private long lastRequest;
    private int actedStep;
    private long earlyDelay;
    private long earlyAt;
    private long gapEwma;
    private long rttEwma;
    private boolean awaitingFirst;
    private int consecutiveInvalid;

    FileRun(FileIngest ingest) {
      this.ingest = ingest;
      this.ledger = ingest.ledger();
      this.file = ingest.file();
      this.maxPerRequest = Math.max(1, Math.min(config.maxBlocksPerRequest(), MAX_BYTES_PER_REQUEST / ledger.blockSize()));
      this.invalidLimit = 4 * config.windowBlocks() + 64;
    }

    void run() throws OtaException, InterruptedException {
      checkDescription();
      if (ledger.isComplete()) {
        return;
      }
      window = newWindow();
      lastProgress = System.nanoTime();
      earlyDelay = initialEarlyDelay();
      request();
      while (!ledger.isComplete()) {
        cancel.check();
        long now = System.nanoTime();
        int step = (int) ((now - lastProgress) / waitNanos);
        if (step > config.maxRequestMomentum()) {
          throw new OtaException(OtaErrorCode.MOMENTUM_ABORT, "no block of " + file.filepath() + " for "
              + Duration.ofNanos(now - lastProgress).toSeconds() + " s (" + ledger.receivedCount() + "/"
              + ledger.totalBlocks() + " received)");
        }
        if (step >= 2 && step > actedStep) {
          actedStep = step;
          log.debug("ota {}: momentum {}; asking again", jobId, step);
          request();
        } else if (step == 0 && batch > 0 && now >= earlyAt) {
          request();
          earlyDelay = Math.min(earlyDelay * 2, waitNanos);
          earlyAt = now + earlyDelay;
        }
        long until = lastProgress + (long) (step + 1) * waitNanos;
        if (step == 0 && batch > 0) {
          until = Math.min(until, earlyAt);
        }
        MqttMessage m;
        try {
          m = sub.next(Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), until - now)));
        } catch (MqttTimeoutException timeout) {
          if (mqtt.state() != ConnectionState.CONNECTED) {
            awaitReconnect();
          }
          continue;
        } catch (MqttSessionLostException lost) {
          log.info("ota {}: the broker dropped the session; asking for the window again", jobId);
          request();
          continue;
        } catch (MqttClosedException closed) {
          throw new OtaException(OtaErrorCode.DOWNLOAD_FAILED, "the MQTT client was closed during the download");
        }
        handle(m);
      }
    }

    private void handle(MqttMessage m) throws OtaException, InterruptedException {
      StreamTopics.Incoming kind = topics.parse(m.topic()).orElse(null);
      if (kind == StreamTopics.Incoming.DATA) {
        data(m);
      } else if (kind == StreamTopics.Incoming.REJECTED) {
        if (rejected(m)) {
          earlyAt = System.nanoTime() + waitNanos / 2;
        }
      } else if (m.topic().equals(notifyNext)) {
        notifyNext(m);
      }
    }

    private void data(MqttMessage m) throws OtaException {
      StreamBlock b;
      try {
        b = StreamCodec.decodeBlock(m.payload(), config.streamFormat());
      } catch (StreamDecodeException e) {
        invalid("undecodable block: " + e.getMessage());
        return;
      }
      if (b.fileId() != file.fileId()) {
        invalid("block of file " + b.fileId() + " while downloading file " + file.fileId());
        return;
      }
      if (b.blockSize() != b.payload().length) {
        invalid("block " + b.blockId() + " says l=" + b.blockSize() + " but carries " + b.payload().length + " bytes");
        return;
      }
      FileIngest.Result r = ingest.accept(b.blockId(), b.payload(), 0, b.payload().length);
      long now = System.nanoTime();
      switch (r) {
        case INVALID -> {
          checkNotLonger(b);
          invalid("block " + b.blockId() + " of " + b.payload().length + " bytes does not fit the file");
        }
        case DUPLICATE -> {
          lastProgress = now;
          actedStep = 0;
          earlyAt = now + earlyDelay;
        }
        case WRITTEN -> written(b.blockId(), now);
      }
    }

    private void written(long id, long now) throws OtaException {
      if (awaitingFirst) {
        rttEwma = rttEwma == 0 ? now - lastRequest : (rttEwma * 7 + (now - lastRequest)) / 8;
        awaitingFirst = false;
      } else {
        long gap = now - lastProgress;
        gapEwma = gapEwma == 0 ? gap : (gapEwma * 7 + gap) / 8;
      }
      lastProgress = now;
      actedStep = 0;
      consecutiveInvalid = 0;
      earlyDelay = Math.max(MIN_EARLY_NANOS, Math.min(waitNanos / 2, 4 * gapEwma + 2 * rttEwma));
      earlyAt = now + earlyDelay;
      if (window.clear(id)) {
        batch--;
      }
      if (ledger.isComplete()) {
        return;
      }
      if (window.isEmpty()) {
        ingest.checkpoint();
        window = newWindow();
        request();
      } else if (batch <= 0) {
        request();
      }
    }

    /**
     * A whole, well-formed last block longer than the job's size leaves for it: the stream's file is longer than the
     * job says (found here when the stream was not described: its description names the size up front).
     */
    private void checkNotLonger(StreamBlock b) throws OtaException {
      long last = ledger.totalBlocks() - 1;
      int expected = ledger.expectedSize(last);
      if (b.blockId() == last && b.payload().length > expected && b.payload().length <= ledger.blockSize()) {
        throw new OtaException(OtaErrorCode.INVALID_DOCUMENT, "the stream's last block of file " + file.fileId()
            + " has " + b.payload().length + " bytes where the job's size of " + file.size() + " bytes leaves "
            + expected + ": the stream's file is longer than the job says");
      }
    }

    private void invalid(String what) throws OtaException {
      consecutiveInvalid++;
      log.debug("ota {}: ignored: {}", jobId, what);
      if (consecutiveInvalid > invalidLimit) {
        throw new OtaException(OtaErrorCode.FAILED_INGEST, consecutiveInvalid + " unusable blocks in a row; last: "
            + what);
      }
    }

    private BlockBitmap newWindow() {
      long first = ledger.nextMissing(0);
      return BlockBitmap.missing(first, config.windowBlocks(), ledger.totalBlocks(), ledger.bits());
    }

    private void request() {
      int n = Math.min(window.count(), maxPerRequest);
      if (n == 0) {
        return;
      }
      GetStreamRequest r = new GetStreamRequest(null, null, file.fileId(), ledger.blockSize(), window.offset(),
          window.toBytes(), n);
      batch = n;
      lastRequest = System.nanoTime();
      awaitingFirst = true;
      earlyAt = lastRequest + earlyDelay;
      publish(StreamCodec.encode(r, config.streamFormat()), topics.get());
    }

    private long initialEarlyDelay() {
      return Math.max(MIN_EARLY_NANOS, Math.min(waitNanos / 2, TimeUnit.MILLISECONDS.toNanos(500)));
    }

    private void checkDescription() throws OtaException {
      if (description == null) {
        return;
      }
      StreamDescription.File f = description.files().stream().filter(x -> x.fileId() == file.fileId()).findFirst()
          .orElse(null);
      if (f == null) {
        throw new OtaException(OtaErrorCode.INVALID_DOCUMENT, "the stream holds no file " + file.fileId());
      }
      if (f.size() != file.size()) {
        throw new OtaException(OtaErrorCode.INVALID_DOCUMENT, "the stream's file " + file.fileId() + " has "
            + f.size() + " bytes, the job says " + file.size());
      }
    }

    /** Waits for the connection to come back without counting the time as silence; then asks again. */
    private void awaitReconnect() throws OtaException, InterruptedException {
      log.info("ota {}: disconnected; the download waits", jobId);
      while (mqtt.state() == ConnectionState.CONNECTING) {
        cancel.check();
        try {
          mqtt.awaitConnected(config.requestWait()).get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof MqttClosedException) {
            throw new OtaException(OtaErrorCode.DOWNLOAD_FAILED, "the MQTT client was closed during the download");
          }
        }
      }
      lastProgress = System.nanoTime();
      actedStep = 0;
      request();
    }
  }

  private MqttMessage next(long nanos) throws OtaException, InterruptedException {
    try {
      return sub.next(Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), nanos)));
    } catch (MqttTimeoutException | MqttSessionLostException e) {
      return null;
    } catch (MqttClosedException e) {
      throw new OtaException(OtaErrorCode.DOWNLOAD_FAILED, "the MQTT client was closed during the download");
    }
  }

  /** A rejection: true if transient (ask again later); throws if the request cannot succeed. */
  private boolean rejected(MqttMessage m) throws OtaException {
    StreamError e;
    try {
      e = StreamCodec.decodeError(m.payload(), config.streamFormat());
    } catch (StreamDecodeException ex) {
      log.warn("ota {}: undecodable stream rejection ignored: {}", jobId, ex.getMessage());
      return true;
    }
    if (e.isTransient()) {
      log.info("ota {}: the stream service asks to wait ({}: {})", jobId, e.code(), e.message());
      return true;
    }
    throw new OtaException(OtaErrorCode.DOWNLOAD_FAILED, "the stream service refused: " + e.code()
        + (e.message() == null ? "" : " (" + e.message() + ")"));
  }

  /** rustot's rule: a notify-next naming our job is an echo; naming another (or none) means ours is over. */
  private void notifyNext(MqttMessage m) throws OtaException {
    JsonNode n;
    try {
      n = JSON.readTree(m.payload());
    } catch (IOException e) {
      log.debug("ota {}: undecodable notify-next ignored", jobId);
      return;
    }
    String next = n == null ? null : n.path("execution").path("jobId").asText(null);
    if (jobId.equals(next)) {
      log.debug("ota {}: notify-next names this job; going on", jobId);
      return;
    }
    cancel.cancel("notify-next names " + (next == null ? "no job" : "job " + next) + ": this job was canceled or replaced");
    cancel.check();
  }

  private void publish(byte[] payload, String topic) {
    requests++;
    mqtt.publish(topic, payload, QoS.AT_MOST_ONCE, false).whenComplete((v, e) -> {
      if (e != null) {
        log.debug("ota {}: request not sent: {}", jobId, e.toString());
      }
    });
  }

  /** Releases the subscription. */
  @Override
  public void close() {
    if (sub != null) {
      sub.close();
    }
  }
}
