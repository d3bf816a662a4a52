package dev.thingbridge.mcu.fake;

import dev.thingbridge.mcu.image.ImageVersion;
import dev.thingbridge.mcu.image.McubootImageBuilder;
import dev.thingbridge.mcu.smp.BootloaderMode;
import dev.thingbridge.mcu.smp.ConsoleFraming;
import dev.thingbridge.mcu.smp.SmpFraming;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link FakeMcu} behaves: which SMP server it plays, its buffers and flash, its timing and the faults it
 * injects. Immutable; {@link #builder()} starts from a Zephyr application (console framing, 384-byte buffers,
 * swap-using-scratch MCUboot, two 256 KiB slots, running a 16 KiB image version 1.0.0) with no faults and no
 * delays other than Zephyr's 250 ms between a reset command's reply and the reset.
 */
public final class FakeMcuOptions {
  /** Which SMP server the fake plays. */
  public enum Personality {
    /** A Zephyr application with mcumgr: two slots, test/confirm/revert, resumable uploads. */
    ZEPHYR,
    /** MCUboot's serial recovery: writes the primary slot, restarts on every {@code off: 0}, v1-style replies. */
    MCUBOOT_RECOVERY
  }

  /** What a newly booted image that matches {@link Builder#failingVersion} does. */
  public enum Failure {
    /** Boots and answers. */
    NONE,
    /** Crashes at boot and resets itself (after {@link Builder#crashAfter}): MCUboot reverts it. */
    CRASHES,
    /** Hangs without answering until reset from outside (power cycle or a reset line). */
    HANGS
  }

  final String name;
  final Personality personality;
  final SmpFraming framing;
  final int bufSize;
  final int bufCount;
  final boolean paramsSupported;
  final boolean legacyV1Supported;
  final int lineBuffer;
  final boolean definiteMaps;
  final BootloaderMode mode;
  final boolean noDowngrade;
  final boolean imageCheck;
  final int slotSize;
  final int pageSize;
  final int writeAlign;
  final boolean progressiveErase;
  final Duration eraseTimePerPage;
  final Duration writeTimePerKiB;
  final Duration bootDelay;
  final Duration resetDelay;
  final boolean reenumerateOnReset;
  final Duration rawInputTimeout;
  final byte[] initialImage;
  final ImageVersion failingVersion;
  final Failure failure;
  final Duration crashAfter;
  final Duration autoConfirmAfter;
  final boolean resetOnRtsPulse;
  final int resetAtChunk;
  final LinkFaults faults;
  final String osName;

  private FakeMcuOptions(Builder b) {
    this.name = b.name;
    this.personality = b.personality;
    this.framing = b.framing;
    this.bufSize = b.bufSize > 0 ? b.bufSize : (b.personality == Personality.ZEPHYR ? 384 : 1024);
    this.bufCount = b.personality == Personality.ZEPHYR ? b.bufCount : 1;
    this.paramsSupported = b.paramsSupported;
    this.legacyV1Supported = b.legacyV1Supported;
    this.lineBuffer = b.lineBuffer;
    this.definiteMaps = b.definiteMaps;
    this.mode = b.mode;
    this.noDowngrade = b.noDowngrade;
    this.imageCheck = b.imageCheck;
    this.slotSize = b.slotSize;
    this.pageSize = b.pageSize;
    this.writeAlign = b.writeAlign > 0 ? b.writeAlign : (b.personality == Personality.ZEPHYR ? 1 : 8);
    this.progressiveErase = b.progressiveErase;
    this.eraseTimePerPage = b.eraseTimePerPage;
    this.writeTimePerKiB = b.writeTimePerKiB;
    this.bootDelay = b.bootDelay;
    this.resetDelay = b.resetDelay;
    this.reenumerateOnReset = b.reenumerateOnReset;
    this.rawInputTimeout = b.rawInputTimeout;
    this.initialImage = b.initialImage != null ? b.initialImage.clone()
        : McubootImageBuilder.create().version("1.0.0").randomBody(16 * 1024, 1).build();
    this.failingVersion = b.failingVersion;
    this.failure = b.failure;
    this.crashAfter = b.crashAfter;
    this.autoConfirmAfter = b.autoConfirmAfter;
    this.resetOnRtsPulse = b.resetOnRtsPulse;
    this.resetAtChunk = b.resetAtChunk;
    this.faults = b.faults;
    this.osName = b.osName;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.personality = personality;
    b.framing = framing;
    b.bufSize = bufSize;
    b.bufCount = bufCount;
    b.paramsSupported = paramsSupported;
    b.legacyV1Supported = legacyV1Supported;
    b.lineBuffer = lineBuffer;
    b.definiteMaps = definiteMaps;
    b.mode = mode;
    b.noDowngrade = noDowngrade;
    b.imageCheck = imageCheck;
    b.slotSize = slotSize;
    b.pageSize = pageSize;
    b.writeAlign = writeAlign;
    b.progressiveErase = progressiveErase;
    b.eraseTimePerPage = eraseTimePerPage;
    b.writeTimePerKiB = writeTimePerKiB;
    b.bootDelay = bootDelay;
    b.resetDelay = resetDelay;
    b.reenumerateOnReset = reenumerateOnReset;
    b.rawInputTimeout = rawInputTimeout;
    b.initialImage = initialImage;
    b.failingVersion = failingVersion;
    b.failure = failure;
    b.crashAfter = crashAfter;
    b.autoConfirmAfter = autoConfirmAfter;
    b.resetOnRtsPulse = resetOnRtsPulse;
    b.resetAtChunk = resetAtChunk;
    b.faults = faults;
    b.osName = osName;
    return b;
  }

  public Personality personality() {
    return personality;
  }

  public SmpFraming framing() {
    return framing;
  }

  public int bufSize() {
    return bufSize;
  }

  public LinkFaults faults() {
    return faults;
  }

  /** Builder with the defaults described on {@link FakeMcuOptions}. */
  public static final class Builder {
    private String name = "fake-mcu";
    private Personality personality = Personality.ZEPHYR;
    private SmpFraming framing = new ConsoleFraming();
    private int bufSize;
    private int bufCount = 4;
    private boolean paramsSupported = true;
    private boolean legacyV1Supported = true;
    private int lineBuffer = 128;
    private boolean definiteMaps;
    private BootloaderMode mode = BootloaderMode.SWAP_USING_SCRATCH;
    private boolean noDowngrade;
    private boolean imageCheck = true;
    private int slotSize = 256 * 1024;
    private int pageSize = 4096;
    private int writeAlign;
    private boolean progressiveErase;
    private Duration eraseTimePerPage = Duration.ZERO;
    private Duration writeTimePerKiB = Duration.ZERO;
    private Duration bootDelay = Duration.ZERO;
    private Duration resetDelay = Duration.ofMillis(250);
    private boolean reenumerateOnReset;
    private Duration rawInputTimeout = Duration.ofMillis(3000);
    private byte[] initialImage;
    private ImageVersion failingVersion;
    private Failure failure = Failure.NONE;
    private Duration crashAfter = Duration.ofMillis(50);
    private Duration autoConfirmAfter;
    private boolean resetOnRtsPulse = true;
    private int resetAtChunk = -1;
    private LinkFaults faults = LinkFaults.NONE;
    private String osName = "Zephyr";

    /** Name used for its thread and in OS info. */
    public Builder name(String n) {
      this.name = Objects.requireNonNull(n);
      return this;
    }

    public Builder personality(Personality p) {
      this.personality = Objects.requireNonNull(p);
      return this;
    }

    public Builder framing(SmpFraming f) {
      this.framing = Objects.requireNonNull(f);
      return this;
    }

    /** SMP buffer size (default 384 for Zephyr, 1024 for MCUboot recovery). */
    public Builder bufSize(int size) {
      if (size < 64) {
        throw new IllegalArgumentException("buffer below 64 bytes");
      }
      this.bufSize = size;
      return this;
    }

    /** Whether MCUmgr params (0/6) is answered (older MCUboot: no). */
    public Builder paramsSupported(boolean yes) {
      this.paramsSupported = yes;
      return this;
    }

    /** Whether v1 requests are served (Zephyr with legacy support compiled out answers rc 12). */
    public Builder legacyV1Supported(boolean yes) {
      this.legacyV1Supported = yes;
      return this;
    }

    /** Line buffer of the console receiver, newline included (128 in Zephyr and MCUboot). */
    public Builder lineBuffer(int bytes) {
      this.lineBuffer = bytes;
      return this;
    }

    /** Replies with definite-length maps (zcbor built canonical) instead of {@code bf ... ff}. */
    public Builder definiteMaps(boolean yes) {
      this.definiteMaps = yes;
      return this;
    }

    /** The MCUboot mode: swap modes revert, overwrite-only and single-app do not. */
    public Builder mode(BootloaderMode m) {
      this.mode = Objects.requireNonNull(m);
      return this;
    }

    public Builder noDowngrade(boolean yes) {
      this.noDowngrade = yes;
      return this;
    }

    /** Whether the last upload chunk's reply carries {@code match}. */
    public Builder imageCheck(boolean yes) {
      this.imageCheck = yes;
      return this;
    }

    /** Slot size and flash page size in bytes. */
    public Builder flash(int slotBytes, int pageBytes) {
      if (slotBytes % pageBytes != 0) {
        throw new IllegalArgumentException("slot size must be a multiple of the page size");
      }
      this.slotSize = slotBytes;
      this.pageSize = pageBytes;
      return this;
    }

    /** Write alignment: non-final chunks are written in multiples of it and the returned offset says so. */
    public Builder writeAlign(int bytes) {
      this.writeAlign = bytes;
      return this;
    }

    /** Erase page by page while writing instead of the whole slot at the first chunk. */
    public Builder progressiveErase(boolean yes) {
      this.progressiveErase = yes;
      return this;
    }

    /** Flash timing: erase time per page and write time per KiB. */
    public Builder flashTiming(Duration erasePerPage, Duration writePerKiB) {
      this.eraseTimePerPage = Objects.requireNonNull(erasePerPage);
      this.writeTimePerKiB = Objects.requireNonNull(writePerKiB);
      return this;
    }

    /** Silence after a reset before the application answers. */
    public Builder bootDelay(Duration d) {
      this.bootDelay = Objects.requireNonNull(d);
      return this;
    }

    /**
     * Time between the reset command's reply and the reset ({@code MCUMGR_GRP_OS_RESET_MS}, 250 ms by default in
     * Zephyr): the application keeps answering meanwhile.
     */
    public Builder resetDelay(Duration d) {
      this.resetDelay = Objects.requireNonNull(d);
      return this;
    }

    /** USB-CDC: the port disappears during the boot delay and comes back as a new device. */
    public Builder reenumerateOnReset(boolean yes) {
      this.reenumerateOnReset = yes;
      return this;
    }

    /** Raw framing: a partial message stalled this long is discarded (MCUboot default 3 s). */
    public Builder rawInputTimeout(Duration d) {
      this.rawInputTimeout = Objects.requireNonNull(d);
      return this;
    }

    /** The image in the primary slot at power-on (default: a 16 KiB image, version 1.0.0). */
    public Builder initialImage(byte[] image) {
      this.initialImage = image.clone();
      return this;
    }

    /** A booted, unconfirmed image of {@code version} fails as {@code how}. */
    public Builder failingVersion(ImageVersion version, Failure how) {
      this.failingVersion = version;
      this.failure = Objects.requireNonNull(how);
      return this;
    }

    /** How long a crashing image runs before it resets itself. */
    public Builder crashAfter(Duration d) {
      this.crashAfter = Objects.requireNonNull(d);
      return this;
    }

    /** The application confirms its own test image this long after booting (null: never). */
    public Builder autoConfirmAfter(Duration d) {
      this.autoConfirmAfter = d;
      return this;
    }

    /** Whether RTS asserted then cleared resets the MCU (in-memory ports only: a PTY has no lines). */
    public Builder resetOnRtsPulse(boolean yes) {
      this.resetOnRtsPulse = yes;
      return this;
    }

    /** Power cut when the {@code n}-th upload chunk (counting from 1) arrives, once; negative: never. */
    public Builder resetAtChunk(int n) {
      this.resetAtChunk = n;
      return this;
    }

    public Builder faults(LinkFaults f) {
      this.faults = Objects.requireNonNull(f);
      return this;
    }

    public Builder osName(String n) {
      this.osName = Objects.requireNonNull(n);
      return this;
    }

    public FakeMcuOptions build() {
      return new FakeMcuOptions(this);
    }
  }
}
