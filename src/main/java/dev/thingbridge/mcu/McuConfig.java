package dev.thingbridge.mcu;

import dev.thingbridge.mcu.serial.JSerialCommOpener;
import dev.thingbridge.mcu.serial.SerialLinkOpener;
import dev.thingbridge.mcu.serial.SerialSettings;
import dev.thingbridge.mcu.smp.ConsoleFraming;
import dev.thingbridge.mcu.smp.SmpFraming;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One MCU: its port and line settings, framing, buffer size and timeouts. Immutable; {@link #builder(String)}
 * starts with 115200 8N1, console framing, the buffer size the device reports (OS params) and the timeouts
 * serial-bridge.md §1.9 collects from the field (first chunk 40 s because of the slot erase, later chunks 2.5 s with
 * 5 attempts).
 */
public final class McuConfig {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9:_.-]{1,128}");

  private final String id;
  private final String port;
  private final SerialLinkOpener opener;
  private final SerialSettings serial;
  private final Framing framing;
  private final int lineLength;
  private final int bufSizeOverride;
  private final Duration requestTimeout;
  private final int attempts;
  private final Duration firstChunkTimeout;
  private final Duration probeTimeout;
  private final int probeAttempts;
  private final Duration resetSettle;
  private final Duration bootTimeout;
  private final ResetLine resetLine;

  private McuConfig(Builder b) {
    this.id = b.id != null ? b.id : idFromPort(b.port);
    this.port = b.port;
    this.opener = b.opener;
    this.serial = b.serial;
    this.framing = b.framing;
    this.lineLength = b.lineLength;
    this.bufSizeOverride = b.bufSizeOverride;
    this.requestTimeout = b.requestTimeout;
    this.attempts = b.attempts;
    this.firstChunkTimeout = b.firstChunkTimeout;
    this.probeTimeout = b.probeTimeout;
    this.probeAttempts = b.probeAttempts;
    this.resetSettle = b.resetSettle;
    this.bootTimeout = b.bootTimeout;
    this.resetLine = b.resetLine;
  }

  private static String idFromPort(String port) {
    String last = port.substring(port.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9:_.-]", "_");
    return last.isEmpty() ? "mcu" : last.substring(0, Math.min(128, last.length()));
  }

  /** A configuration for the MCU on {@code port} (prefer {@code /dev/serial/by-id/...}). */
  public static Builder builder(String port) {
    return new Builder(port);
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder(port);
    b.id = id;
    b.opener = opener;
    b.serial = serial;
    b.framing = framing;
    b.lineLength = lineLength;
    b.bufSizeOverride = bufSizeOverride;
    b.requestTimeout = requestTimeout;
    b.attempts = attempts;
    b.firstChunkTimeout = firstChunkTimeout;
    b.probeTimeout = probeTimeout;
    b.probeAttempts = probeAttempts;
    b.resetSettle = resetSettle;
    b.bootTimeout = bootTimeout;
    b.resetLine = resetLine;
    return b;
  }

  /** The device's id: names its thread and its journal (default: the port's file name). */
  public String id() {
    return id;
  }

  public String port() {
    return port;
  }

  public SerialLinkOpener opener() {
    return opener;
  }

  public SerialSettings serial() {
    return serial;
  }

  public Framing framing() {
    return framing;
  }

  /** The SMP codec for this device. */
  public SmpFraming codec() {
    return framing.codec(lineLength);
  }

  /** A configured buffer size that wins over what the device reports, or 0. */
  public int bufSizeOverride() {
    return bufSizeOverride;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public int attempts() {
    return attempts;
  }

  public Duration firstChunkTimeout() {
    return firstChunkTimeout;
  }

  public Duration probeTimeout() {
    return probeTimeout;
  }

  public int probeAttempts() {
    return probeAttempts;
  }

  public Duration resetSettle() {
    return resetSettle;
  }

  public Duration bootTimeout() {
    return bootTimeout;
  }

  public ResetLine resetLine() {
    return resetLine;
  }

  @Override
  public String toString() {
    return "MCU " + id + " on " + port + " (" + framing.name().toLowerCase(java.util.Locale.ROOT) + ", "
        + serial.baud() + " baud)";
  }

  /** Builder; see {@link McuConfig} for the defaults. */
  public static final class Builder {
    private String id;
    private final String port;
    private SerialLinkOpener opener = new JSerialCommOpener();
    private SerialSettings serial = SerialSettings.of(115200);
    private Framing framing = Framing.CONSOLE;
    private int lineLength = ConsoleFraming.DEFAULT_LINE_LENGTH;
    private int bufSizeOverride;
    private Duration requestTimeout = Duration.ofMillis(2500);
    private int attempts = 5;
    private Duration firstChunkTimeout = Duration.ofSeconds(40);
    private Duration probeTimeout = Duration.ofSeconds(1);
    private int probeAttempts = 3;
    private Duration resetSettle = Duration.ofMillis(500);
    private Duration bootTimeout = Duration.ofSeconds(30);
    private ResetLine resetLine = ResetLine.NONE;

    private Builder(String port) {
      if (port == null || port.isBlank()) {
        throw new IllegalArgumentException("a serial port is required");
      }
      this.port = port;
    }

    /** The id (1-128 of {@code [A-Za-z0-9:_.-]}; an MCU's thing name fits). */
    public Builder id(String value) {
      if (!ID.matcher(value).matches()) {
        throw new IllegalArgumentException("device id must be 1-128 characters of [A-Za-z0-9:_.-], got '" + value + "'");
      }
      this.id = value;
      return this;
    }

    /** How ports are opened (tests: an {@code InMemorySerialPorts}). */
    public Builder opener(SerialLinkOpener value) {
      this.opener = Objects.requireNonNull(value);
      return this;
    }

    public Builder serial(SerialSettings value) {
      this.serial = Objects.requireNonNull(value);
      return this;
    }

    public Builder baud(int baud) {
      return serial(new SerialSettings(baud, serial.dataBits(), serial.parity(), serial.stopBits(),
          serial.openSettle()));
    }

    public Builder framing(Framing value) {
      this.framing = Objects.requireNonNull(value);
      return this;
    }

    /** Console line length, markers and newline included: keep 127 unless the device was built for more. */
    public Builder lineLength(int value) {
      if (value < 7) {
        throw new IllegalArgumentException("line length below 7");
      }
      this.lineLength = value;
      return this;
    }

    /** The device's SMP buffer size, when it does not report it or reports it wrong (64..65535; 0: ask). */
    public Builder bufSize(int value) {
      if (value != 0 && (value < 64 || value > 65535)) {
        throw new IllegalArgumentException("buffer size must be 64..65535 (or 0 to ask the device), got " + value);
      }
      this.bufSizeOverride = value;
      return this;
    }

    /** Timeout of one request or upload chunk, and the attempts before giving up. */
    public Builder requestTimeout(Duration timeout, int attemptsInAll) {
      if (attemptsInAll < 1 || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("a positive timeout and at least one attempt are required");
      }
      this.requestTimeout = timeout;
      this.attempts = attemptsInAll;
      return this;
    }

    /** Timeout of the first upload chunk (the device erases the slot before answering it). */
    public Builder firstChunkTimeout(Duration timeout) {
      this.firstChunkTimeout = positive(timeout);
      return this;
    }

    /** The first contact: an echo with this timeout and number of attempts. */
    public Builder probe(Duration timeout, int attemptsInAll) {
      if (attemptsInAll < 1) {
        throw new IllegalArgumentException("at least one probe attempt is required");
      }
      this.probeTimeout = positive(timeout);
      this.probeAttempts = attemptsInAll;
      return this;
    }

    /**
     * How long to wait after a reset command before probing (Zephyr resets {@code MCUMGR_GRP_OS_RESET_MS}, 250 ms by
     * default, after its reply), and how long the device may take to boot and answer again.
     */
    public Builder boot(Duration settle, Duration timeout) {
      this.resetSettle = Objects.requireNonNull(settle);
      this.bootTimeout = positive(timeout);
      return this;
    }

    public Builder resetLine(ResetLine value) {
      this.resetLine = Objects.requireNonNull(value);
      return this;
    }

    private static Duration positive(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("duration must be positive, got " + d);
      }
      return d;
    }

    public McuConfig build() {
      return new McuConfig(this);
    }
  }
}
