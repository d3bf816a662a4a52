package dev.thingbridge.transfer;

import java.time.Duration;
import java.util.Objects;

/**
 * How OTA downloads run. Immutable; start from {@link #defaults()} (rustot's settings) and change what you need
 * through {@link #toBuilder()}.
 *
 * <p>The MQTT settings follow rustot: blocks of {@code blockSize} bytes are asked for in windows of {@code
 * windowBlocks} blocks, at most {@code maxBlocksPerRequest} per request; when nothing arrives for {@code
 * requestWait}, the engine waits once more (grace), then asks again, and gives up after {@code
 * maxRequestMomentum} such periods. Progress goes to the cloud every {@code statusUpdateFrequency} blocks, at
 * most once per {@code statusUpdateInterval}: a fast download (HTTP, or MQTT without limits) would otherwise send
 * hundreds of job updates a second, each a write in the Jobs service (AWS throttles {@code UpdateJobExecution}).
 */
public final class OtaConfig {
  private final int blockSize;
  private final int maxBlocksPerRequest;
  private final int windowBlocks;
  private final int maxRequestMomentum;
  private final Duration requestWait;
  private final int statusUpdateFrequency;
  private final Duration statusUpdateInterval;
  private final Duration selfTestTimeout;
  private final StreamFormat streamFormat;
  private final int checkpointBlocks;
  private final boolean checkpointSync;
  private final int httpBlocksPerRequest;
  private final int httpMaxAttempts;
  private final Duration httpBackoff;
  private final Duration httpTimeout;
  private final Duration statusAckTimeout;
  private final boolean missingFileTypeIsFirmware;
  private final boolean watchNotifyNext;

  private OtaConfig(Builder b) {
    this.blockSize = b.blockSize;
    this.maxBlocksPerRequest = b.maxBlocksPerRequest;
    this.windowBlocks = b.windowBlocks;
    this.maxRequestMomentum = b.maxRequestMomentum;
    this.requestWait = b.requestWait;
    this.statusUpdateFrequency = b.statusUpdateFrequency;
    this.statusUpdateInterval = b.statusUpdateInterval;
    this.selfTestTimeout = b.selfTestTimeout;
    this.streamFormat = b.streamFormat;
    this.checkpointBlocks = b.checkpointBlocks;
    this.checkpointSync = b.checkpointSync;
    this.httpBlocksPerRequest = b.httpBlocksPerRequest;
    this.httpMaxAttempts = b.httpMaxAttempts;
    this.httpBackoff = b.httpBackoff;
    this.httpTimeout = b.httpTimeout;
    this.statusAckTimeout = b.statusAckTimeout;
    this.missingFileTypeIsFirmware = b.missingFileTypeIsFirmware;
    this.watchNotifyNext = b.watchNotifyNext;
  }

  /**
   * rustot's defaults: 4 KiB blocks, windows of 31, 16 blocks per request, 5 s request wait, momentum 3,
   * progress every 24 blocks, no self-test timeout, CBOR; plus thingbridge's: progress at most once a second, a
   * checkpoint (fsynced) at every window's end, one HTTP request for each run of missing blocks, 5 HTTP attempts from 500 ms backoff, 5 s status acknowledgement,
   * a file without {@code fileType} treated as firmware (as FreeRTOS does).
   */
  public static OtaConfig defaults() {
    return new Builder().build();
  }

  /**
   * The FreeRTOS OTA agent's defaults, for comparison: 4 KiB blocks, one block per request, 10 s request wait,
   * progress every 64 blocks.
   */
  public static OtaConfig freeRtos() {
    return new Builder().maxBlocksPerRequest(1).requestWait(Duration.ofSeconds(10)).statusUpdateFrequency(64)
        .httpBlocksPerRequest(1).build();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Bytes per block (256-131072; AWS's GetStream limits). */
  public int blockSize() {
    return blockSize;
  }

  /**
   * The most blocks one stream request asks for ({@code n}). A request never asks for more than 128 KiB of
   * blocks, AWS's limit per GetStream, whatever this says.
   */
  public int maxBlocksPerRequest() {
    return maxBlocksPerRequest;
  }

  /** Blocks per request window (its bitmap {@code b}); 31 in rustot. */
  public int windowBlocks() {
    return windowBlocks;
  }

  /** Silent request-wait periods tolerated before giving up ({@code momentum_abort}). */
  public int maxRequestMomentum() {
    return maxRequestMomentum;
  }

  /** The silence that counts one momentum step. */
  public Duration requestWait() {
    return requestWait;
  }

  /** A progress update goes out when the blocks still missing are a multiple of this. */
  public int statusUpdateFrequency() {
    return statusUpdateFrequency;
  }

  /**
   * The least time between two progress updates (default 1 s): a progress point of {@link #statusUpdateFrequency}
   * that comes sooner after the last update is skipped. {@link Duration#ZERO} sends every one.
   */
  public Duration statusUpdateInterval() {
    return statusUpdateInterval;
  }

  /** The bound on the platform's self-test, or null for none. */
  public Duration selfTestTimeout() {
    return selfTestTimeout;
  }

  /** CBOR or JSON stream messages. */
  public StreamFormat streamFormat() {
    return streamFormat;
  }

  /**
   * A resumable download checkpoints after this many blocks, at most once a second, and at the end of every MQTT
   * window: a kill costs at most one window over MQTT and about a second of download over HTTP.
   */
  public int checkpointBlocks() {
    return checkpointBlocks;
  }

  /** Whether a checkpoint fsyncs the partial file and its state (survives power loss) or only renames. */
  public boolean checkpointSync() {
    return checkpointSync;
  }

  /**
   * The most blocks one HTTP range request asks for; by default unbounded: one streaming request for each run of
   * missing blocks (the whole file when nothing was received yet), whose body is written and hashed as it comes.
   */
  public int httpBlocksPerRequest() {
    return httpBlocksPerRequest;
  }

  /** Attempts of one HTTP range before the download fails. */
  public int httpMaxAttempts() {
    return httpMaxAttempts;
  }

  /** The first retry delay of HTTP; doubled on each retry, up to 30 s, with jitter. */
  public Duration httpBackoff() {
    return httpBackoff;
  }

  /** How long an HTTP request may go without progress. */
  public Duration httpTimeout() {
    return httpTimeout;
  }

  /** How long to wait for the cloud to accept a confirmed status update. */
  public Duration statusAckTimeout() {
    return statusAckTimeout;
  }

  /** Whether a file without {@code fileType} is firmware (activated, self-tested) or a plain file. */
  public boolean missingFileTypeIsFirmware() {
    return missingFileTypeIsFirmware;
  }

  /** Whether the MQTT download itself watches notify-next for a cancel (rustot's detection). */
  public boolean watchNotifyNext() {
    return watchNotifyNext;
  }

  /** Whether {@code file} is firmware under these settings. */
  public boolean isFirmware(OtaFile file) {
    return file.fileType() == null ? missingFileTypeIsFirmware : file.fileType() == OtaFile.FIRMWARE;
  }

  @Override
  public String toString() {
    return "OtaConfig[block " + blockSize + ", window " + windowBlocks + ", " + maxBlocksPerRequest
        + "/request, wait " + requestWait + " x" + maxRequestMomentum + ", progress every " + statusUpdateFrequency
        + " blocks/" + statusUpdateInterval.toMillis() + " ms, " + streamFormat + ", http " + httpBlocksPerRequest + " blocks x" + httpMaxAttempts + "]";
  }

  /** Builds an {@link OtaConfig}. */
  public static final class Builder {
    private int blockSize = 4096;
    private int maxBlocksPerRequest = 16;
    private int windowBlocks = 31;
    private int maxRequestMomentum = 3;
    private Duration requestWait = Duration.ofSeconds(5);
    private int statusUpdateFrequency = 24;
    private Duration statusUpdateInterval = Duration.ofSeconds(1);
    private Duration selfTestTimeout;
    private StreamFormat streamFormat = StreamFormat.CBOR;
    private int checkpointBlocks = 64;
    private boolean checkpointSync = true;
    private int httpBlocksPerRequest = Integer.MAX_VALUE;
    private int httpMaxAttempts = 5;
    private Duration httpBackoff = Duration.ofMillis(500);
    private Duration httpTimeout = Duration.ofSeconds(30);
    private Duration statusAckTimeout = Duration.ofSeconds(5);
    private boolean missingFileTypeIsFirmware = true;
    private boolean watchNotifyNext = true;

    public Builder() {}

    private Builder(OtaConfig c) {
      blockSize = c.blockSize;
      maxBlocksPerRequest = c.maxBlocksPerRequest;
      windowBlocks = c.windowBlocks;
      maxRequestMomentum = c.maxRequestMomentum;
      requestWait = c.requestWait;
      statusUpdateFrequency = c.statusUpdateFrequency;
      statusUpdateInterval = c.statusUpdateInterval;
      selfTestTimeout = c.selfTestTimeout;
      streamFormat = c.streamFormat;
      checkpointBlocks = c.checkpointBlocks;
      checkpointSync = c.checkpointSync;
      httpBlocksPerRequest = c.httpBlocksPerRequest;
      httpMaxAttempts = c.httpMaxAttempts;
      httpBackoff = c.httpBackoff;
      httpTimeout = c.httpTimeout;
      statusAckTimeout = c.statusAckTimeout;
      missingFileTypeIsFirmware = c.missingFileTypeIsFirmware;
      watchNotifyNext = c.watchNotifyNext;
    }

    public Builder blockSize(int value) {
      this.blockSize = range("blockSize", value, 256, 131_072);
      return this;
    }

    public Builder maxBlocksPerRequest(int value) {
      this.maxBlocksPerRequest = range("maxBlocksPerRequest", value, 1, 98_304);
      return this;
    }

    public Builder windowBlocks(int value) {
      this.windowBlocks = range("windowBlocks", value, 1, 8 * 12_287);
      return this;
    }

    public Builder maxRequestMomentum(int value) {
      this.maxRequestMomentum = range("maxRequestMomentum", value, 1, 1000);
      return this;
    }

    public Builder requestWait(Duration value) {
      this.requestWait = positive("requestWait", value);
      return this;
    }

    public Builder statusUpdateFrequency(int value) {
      this.statusUpdateFrequency = range("statusUpdateFrequency", value, 1, Integer.MAX_VALUE);
      return this;
    }

    /** The least time between two progress updates; zero for none. */
    public Builder statusUpdateInterval(Duration value) {
      if (value == null || value.isNegative()) {
        throw new IllegalArgumentException("statusUpdateInterval must be zero or positive: " + value);
      }
      this.statusUpdateInterval = value;
      return this;
    }

    /** Bound on the self-test; null for none. */
    public Builder selfTestTimeout(Duration value) {
      this.selfTestTimeout = value == null ? null : positive("selfTestTimeout", value);
      return this;
    }

    public Builder streamFormat(StreamFormat value) {
      this.streamFormat = Objects.requireNonNull(value);
      return this;
    }

    public Builder checkpointBlocks(int value) {
      this.checkpointBlocks = range("checkpointBlocks", value, 1, Integer.MAX_VALUE);
      return this;
    }

    public Builder checkpointSync(boolean value) {
      this.checkpointSync = value;
      return this;
    }

    public Builder httpBlocksPerRequest(int value) {
      this.httpBlocksPerRequest = range("httpBlocksPerRequest", value, 1, Integer.MAX_VALUE);
      return this;
    }

    public Builder httpMaxAttempts(int value) {
      this.httpMaxAttempts = range("httpMaxAttempts", value, 1, 1000);
      return this;
    }

    public Builder httpBackoff(Duration value) {
      this.httpBackoff = positive("httpBackoff", value);
      return this;
    }

    public Builder httpTimeout(Duration value) {
      this.httpTimeout = positive("httpTimeout", value);
      return this;
    }

    public Builder statusAckTimeout(Duration value) {
      this.statusAckTimeout = positive("statusAckTimeout", value);
      return this;
    }

    public Builder missingFileTypeIsFirmware(boolean value) {
      this.missingFileTypeIsFirmware = value;
      return this;
    }

    public Builder watchNotifyNext(boolean value) {
      this.watchNotifyNext = value;
      return this;
    }

    public OtaConfig build() {
      return new OtaConfig(this);
    }

    private static int range(String name, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(name + " must be " + min + "-" + max + ": " + value);
      }
      return value;
    }

    private static Duration positive(String name, Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }
  }
}
