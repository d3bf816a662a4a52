package dev.thingbridge.mcu.fake;

import dev.thingbridge.mcu.image.McubootImage;
import dev.thingbridge.mcu.serial.SerialLink;
import dev.thingbridge.mcu.serial.SerialLinkClosedException;
import dev.thingbridge.mcu.smp.ConsoleFraming;
import dev.thingbridge.mcu.smp.SmpFormatException;
import dev.thingbridge.mcu.smp.SmpFrameDecoder;
import dev.thingbridge.mcu.smp.SmpMessage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A microcontroller that runs MCUboot and a Zephyr application with mcumgr, in a thread: it speaks SMP over console
 * or raw framing on a {@link FakeMcuPort}, keeps two flash slots with MCUboot's test/confirm/revert semantics, and
 * plays Zephyr's SMP server or MCUboot's serial recovery (serial-bridge.md §7.4). Timing and faults are set in
 * {@link FakeMcuOptions}; everything random is seeded.
 *
 * <p>A reset (the reset command, a power cut, a crash, an RTS pulse, {@link #powerCycle()}) loses the upload in RAM,
 * runs the bootloader's swap logic, stays silent for the boot delay (the port disappearing meanwhile if it
 * re-enumerates) and discards what arrived during the boot.
 *
 * <p>Threads: one, {@code thingbridge-mcu-fake-<name>}, started by {@link #start} and stopped by {@link #close}.
 * {@link #state()} may be called from any thread.
 */
public final class FakeMcu implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FakeMcu.class);
  private static final Duration POLL = Duration.ofMillis(10);

  private final FakeMcuOptions options;
  private final FakeMcuPort port;
  private final FakeFlash flash;
  private final FakeImageGroup image;
  private final FakeSmpServer server;
  private final Random random;
  private final Thread thread;
  private final List<String> bootActions = new ArrayList<>();
  private volatile boolean closed;
  private volatile boolean silent;
  private volatile boolean externalReset;
  private final java.util.concurrent.atomic.AtomicInteger echoes = new java.util.concurrent.atomic.AtomicInteger();
  private SerialLink rawLink;
  private SerialLink link;
  private SmpFrameDecoder decoder;
  private boolean recovery;
  private boolean booting;
  private boolean nextBootRecovery;
  private boolean hung;
  private boolean resetRequested;
  private boolean resetIntoRecovery;
  private boolean portGone;
  private long bootEnd;
  private long crashAt = -1;
  private long autoConfirmAt = -1;
  private long resetAt = -1;
  private int resets;

  private FakeMcu(FakeMcuPort port, FakeMcuOptions options) {
    this.options = options;
    this.port = port;
    this.flash = new FakeFlash(options.slotSize, options.pageSize, options.initialImage);
    this.image = new FakeImageGroup(this);
    this.server = new FakeSmpServer(this, new FakeOsGroup(this), image);
    this.random = new Random(options.faults.seed());
    this.thread = new Thread(this::run, "thingbridge-mcu-fake-" + options.name);
    this.thread.setDaemon(true);
  }

  /**
   * Powers the fake on at {@code port}: it opens its end and starts answering.
   *
   * @throws IOException if its end cannot be opened
   */
  public static FakeMcu start(FakeMcuPort port, FakeMcuOptions options) throws IOException {
    FakeMcu mcu = new FakeMcu(port, options);
    mcu.attach(port.open());
    mcu.recovery = options.personality == FakeMcuOptions.Personality.MCUBOOT_RECOVERY || !mcu.flash.bootable(0);
    mcu.afterBoot(System.nanoTime());
    port.onRtsPulse(mcu::powerCycle);
    mcu.thread.start();
    return mcu;
  }

  private void attach(SerialLink raw) {
    if (rawLink != null && rawLink != raw) {
      rawLink.close(); // a re-enumerated port: the old device node is gone
    }
    this.rawLink = raw;
    this.link = options.faults.isNone() ? raw : new FaultyLink(raw, options.faults, random);
    this.decoder = options.framing instanceof ConsoleFraming
        ? ((ConsoleFraming) options.framing).newDecoder(options.bufSize, options.lineBuffer)
        : options.framing.newDecoder(options.bufSize);
  }

  /** The name the gateway opens. */
  public String gatewayName() {
    return port.gatewayName();
  }

  public FakeMcuOptions options() {
    return options;
  }

  /** Resets the MCU from outside (power cycle, reset button, reset line). */
  public void powerCycle() {
    externalReset = true;
  }

  /** Stops answering ({@code true}: a hung application) or starts again. */
  public void setSilent(boolean yes) {
    silent = yes;
  }

  /** The SMP echo requests answered since power-on (a test sees whether a gateway checked the MCU). */
  public int echoesAnswered() {
    return echoes.get();
  }

  void echoed() {
    echoes.incrementAndGet();
  }

  /** A snapshot of its state. */
  public synchronized FakeMcuState state() {
    return new FakeMcuState(recovery, booting, !booting && !hung && !silent && crashAt < 0, slot(0), slot(1),
        flash.pendingTest, flash.pendingPermanent, flash.revertPending, image.uploadOffset(), resets,
        image.chunksReceived(), List.copyOf(bootActions));
  }

  private Optional<FakeMcuState.SlotImage> slot(int s) {
    return flash.image(s).map(i -> new FakeMcuState.SlotImage(i.version().toString(), i.hash(), flash.bootable(s)));
  }

  FakeFlash flash() {
    return flash;
  }

  boolean inRecovery() {
    return recovery;
  }

  String runningVersion() {
    return flash.image(0).map(i -> i.version().toString()).orElse("none");
  }

  /** The reset command: done after its reply is sent. */
  void requestReset(boolean intoRecovery) {
    resetRequested = true;
    resetIntoRecovery = intoRecovery;
  }

  /** Simulated busy time (flash erase and write). */
  void spend(Duration d) {
    if (!d.isZero()) {
      LockSupport.parkNanos(d.toNanos());
    }
  }

  private void run() {
    byte[] buf = new byte[2048];
    List<byte[]> frames = new ArrayList<>();
    long lastRx = System.nanoTime();
    while (!closed) {
      try {
        long now = System.nanoTime();
        if (externalReset) {
          externalReset = false;
          reset(false, "external reset");
          continue;
        }
        if (booting) {
          if (now - bootEnd >= 0) {
            finishBoot();
          } else {
            LockSupport.parkNanos(Math.min(POLL.toNanos(), bootEnd - now));
          }
          continue;
        }
        timers(now);
        int n = link.read(buf, 0, buf.length, POLL);
        if (n > 0) {
          lastRx = System.nanoTime();
          decoder.feed(buf, 0, n, frames::add);
        } else if (decoder.midFrame() && !(options.framing instanceof ConsoleFraming)
            && System.nanoTime() - lastRx > options.rawInputTimeout.toNanos()) {
          decoder.reset(); // raw framing: a stalled partial message is discarded
        }
        for (byte[] f : frames) {
          handle(f);
        }
        frames.clear();
      } catch (InterruptedIOException e) {
        break;
      } catch (IOException e) {
        if (!closed) {
          reopenAfter(e);
        }
      } catch (RuntimeException e) {
        LOG.error("fake MCU {}: unexpected failure, continuing", options.name, e);
      }
    }
  }

  private void timers(long now) {
    if (resetAt >= 0 && now - resetAt >= 0) {
      resetAt = -1;
      reset(resetIntoRecovery, "reset command");
    } else if (crashAt >= 0 && now - crashAt >= 0) {
      reset(false, "crash of the new image");
    } else if (autoConfirmAt >= 0 && now - autoConfirmAt >= 0) {
      synchronized (this) {
        flash.revertPending = false;
        autoConfirmAt = -1;
      }
    }
  }

  private void handle(byte[] frame) throws IOException {
    if (silent || hung || crashAt >= 0 || booting) {
      return;
    }
    SmpMessage request;
    try {
      request = SmpMessage.parse(frame);
    } catch (SmpFormatException e) {
      return;
    }
    byte[] reply;
    LOG.trace("fake MCU {}: request {} (frames dropped so far: {})", options.name, request.header(), decoder.dropped());
    try {
      synchronized (this) {
        reply = server.handle(request);
      }
    } catch (FakeSmpServer.PowerCut cut) {
      reset(false, "power cut during upload chunk " + image.chunksReceived());
      return;
    }
    if (reply != null) {
      link.write(options.framing.encode(reply));
    }
    if (resetRequested) {
      resetRequested = false;
      if (options.resetDelay.isZero()) {
        reset(resetIntoRecovery, "reset command");
      } else {
        resetAt = System.nanoTime() + options.resetDelay.toNanos();
      }
    }
  }

  private void reset(boolean intoRecovery, String cause) {
    long now = System.nanoTime();
    synchronized (this) {
      resets++;
      image.forgetUpload();
      crashAt = -1;
      autoConfirmAt = -1;
      resetAt = -1;
      hung = false;
      FakeFlash.BootAction action = flash.boot(options.mode, options.noDowngrade);
      bootActions.add(action.name());
      nextBootRecovery = intoRecovery || !flash.bootable(0);
      booting = true;
      bootEnd = now + options.bootDelay.toNanos();
      decoder.reset();
      LOG.debug("fake MCU {}: {} -> bootloader {}{}", options.name, cause, action,
          nextBootRecovery ? ", serial recovery" : "");
    }
    if (options.reenumerateOnReset && !portGone) {
      try {
        port.disappear();
        portGone = true;
      } catch (IOException e) {
        LOG.warn("fake MCU {}: port did not go away: {}", options.name, e.getMessage());
      }
    }
  }

  private void finishBoot() throws IOException {
    if (portGone) {
      port.reappear();
      portGone = false;
      attach(port.open());
    }
    synchronized (this) {
      booting = false;
      recovery = nextBootRecovery;
      afterBoot(System.nanoTime());
    }
    link.discardInput(); // what the gateway sent while the MCU was booting is lost
  }

  private void afterBoot(long now) {
    if (recovery) {
      return;
    }
    Optional<McubootImage> running = flash.image(0);
    boolean failing = options.failingVersion != null && running.isPresent()
        && running.get().version().equals(options.failingVersion);
    if (failing && options.failure == FakeMcuOptions.Failure.CRASHES) {
      crashAt = now + options.crashAfter.toNanos();
    } else if (failing && options.failure == FakeMcuOptions.Failure.HANGS) {
      hung = true;
    } else if (flash.revertPending && options.autoConfirmAfter != null) {
      autoConfirmAt = now + options.autoConfirmAfter.toNanos();
    }
  }

  private void reopenAfter(IOException e) {
    if (!(e instanceof SerialLinkClosedException)) {
      LOG.debug("fake MCU {}: {}", options.name, e.getMessage());
    }
    LockSupport.parkNanos(POLL.toNanos() * 5);
    try {
      attach(port.open());
    } catch (IOException again) {
      LOG.debug("fake MCU {}: cannot reopen its end yet: {}", options.name, again.getMessage());
    }
  }

  /** Powers off: stops the thread and closes the port. */
  @Override
  public void close() throws IOException {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      link.close();
    } finally {
      port.close();
    }
  }
}
