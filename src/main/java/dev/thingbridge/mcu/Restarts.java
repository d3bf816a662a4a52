package dev.thingbridge.mcu;

import dev.thingbridge.mcu.image.ImageVersion;
import dev.thingbridge.mcu.image.McubootImage;
import dev.thingbridge.mcu.internal.FlashJournal.Phase;
import dev.thingbridge.mcu.serial.SerialLinkClosedException;
import dev.thingbridge.mcu.smp.ImageState;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resets and what follows them: send the reset (its reply may be lost as the device goes down), wait the settle time
 * (Zephyr resets some 250 ms after replying), then wait for the port to come back and the device to answer an echo.
 * A device that stays silent gets a pulse on the reset line when one is wired. Also runs health checks.
 */
final class Restarts {
  private static final Logger LOG = LoggerFactory.getLogger(Restarts.class);

  private final FlashFlow flow;
  private final McuConnection conn;
  private final McuConfig config;

  Restarts(FlashFlow flow, McuConnection conn) {
    this.flow = flow;
    this.conn = conn;
    this.config = conn.config();
  }

  /**
   * Resets and returns the image state once the device answers again. A device may answer for a moment after its
   * reply to the reset command (Zephyr resets {@code MCUMGR_GRP_OS_RESET_MS} later) and a USB device may vanish
   * between two requests, so the state is read until it differs from before ({@code unchanged}) for a grace of a
   * second; only a device still unchanged after that never got the command (a corrupted frame is dropped without
   * a word) and is sent it again, up to three times in all.
   */
  ImageState resetAndWait(String why, Predicate<ImageState> unchanged) throws IOException {
    for (int attempt = 1; attempt <= 3; attempt++) {
      reset(why, null);
      ImageState s = stateAfterBoot(why);
      long graceEnd = System.nanoTime() + Math.max(1_000_000_000L, 4 * config.resetSettle().toNanos());
      while (unchanged.test(s) && System.nanoTime() - graceEnd < 0) {
        McuConnection.sleep(Duration.ofMillis(100));
        s = stateAfterBoot(why);
      }
      if (!unchanged.test(s)) {
        return s;
      }
      LOG.info("{}: the device answers but did not reset ({}); sending reset again", config.id(), why);
    }
    throw new McuTimeoutException(config.id() + ": the device answers but did not reset after three reset"
        + " commands (" + why + ")");
  }

  /** Waits for the device to answer, then reads its state; the port vanishing meanwhile means waiting again. */
  private ImageState stateAfterBoot(String why) throws IOException {
    long deadline = System.nanoTime() + config.bootTimeout().toNanos();
    while (true) {
      waitForBoot(why);
      try {
        return flow.readState();
      } catch (SerialLinkClosedException | McuPortException gone) {
        conn.release();
        if (System.nanoTime() - deadline > 0) {
          throw gone;
        }
      }
    }
  }

  /** Sends the reset command; a lost reply or a vanishing port are taken as the reset happening. */
  void reset(String why, Integer bootMode) throws IOException {
    flow.progress(FlashStep.RESETTING, 0, "resetting: " + why);
    flow.advance(Phase.RESET_SENT);
    try {
      conn.mgr().reset(false, bootMode, config.requestTimeout(), 2);
    } catch (McuTimeoutException | SerialLinkClosedException lost) {
      LOG.debug("{}: no reply to reset ({}); assuming it reset", config.id(), lost.getMessage());
    }
  }

  /** Waits for the device to answer after a reset; pulses the reset line once if it does not. */
  void waitForBoot(String why) throws IOException {
    flow.progress(FlashStep.WAITING_FOR_BOOT, 0, "waiting for the device to boot (" + why + ")");
    McuConnection.sleep(config.resetSettle());
    if (answersWithin(config.bootTimeout())) {
      return;
    }
    if (conn.pulseResetLine()) {
      LOG.info("{}: no answer after the reset; pulsing the {} line", config.id(), config.resetLine());
      McuConnection.sleep(config.resetSettle());
      if (answersWithin(config.bootTimeout())) {
        return;
      }
    }
    throw new McuTimeoutException(config.id() + ": no answer within " + config.bootTimeout().toSeconds()
        + " s after a reset (" + why + "); an unconfirmed image is reverted by MCUboot at the next reset:"
        + " power-cycle the device, then run the flash again to finish or clean up");
  }

  /** Waits up to the boot timeout for an answer (the upload stalled or the port went away). */
  void awaitAnswer(String why) throws IOException {
    if (!answersWithin(config.bootTimeout())) {
      throw new McuTimeoutException(config.id() + ": " + why + " and the device did not answer again within "
          + config.bootTimeout().toSeconds() + " s");
    }
  }

  private boolean answersWithin(Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() - deadline < 0) {
      flow.checkInterrupted();
      try {
        if (!conn.isOpen()) {
          conn.open();
        }
        conn.mgr().echo("boot", config.probeTimeout(), 1);
        return true;
      } catch (McuErrorResponseException refusedButAnswered) {
        return true;
      } catch (McuTimeoutException silent) {
        // keep asking until the deadline
      } catch (McuPortException | SerialLinkClosedException gone) {
        conn.release(); // re-enumerating: open again by name
        McuConnection.sleep(Duration.ofMillis(20));
      }
    }
    return false;
  }

  /**
   * Runs the health check on the booted image within its time; an exception is an unhealthy verdict, an interrupt
   * ends the flow (the gateway stops) with the journal at the health check.
   */
  HealthCheck.Verdict health(McubootImage image) throws InterruptedIOException {
    flow.progress(FlashStep.HEALTH_CHECK, 0, "checking the health of " + image.version());
    Duration timeout = flow.options().healthTimeout();
    HealthContext ctx = new HealthContext() {
      @Override
      public String deviceId() {
        return config.id();
      }

      @Override
      public String portName() {
        return config.port();
      }

      @Override
      public ImageVersion version() {
        return image.version();
      }

      @Override
      public String imageHashHex() {
        return HexFormat.of().formatHex(image.hash());
      }

      @Override
      public Duration timeout() {
        return timeout;
      }

      @Override
      public String echo(String text) throws IOException {
        return conn.mgr().echo(text, config.requestTimeout(), config.attempts());
      }

      @Override
      public <T> T withPortReleased(Callable<T> action) throws Exception {
        conn.release();
        try {
          return action.call();
        } finally {
          conn.reopen(config.bootTimeout());
        }
      }
    };
    try {
      HealthCheck.Verdict v = flow.options().healthCheck().check(ctx);
      return v != null ? v : HealthCheck.Verdict.unhealthy("the health check gave no verdict");
    } catch (InterruptedException | InterruptedIOException e) {
      // The gateway is stopping, not the image failing: the journal keeps the health check for the next start.
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during the health check of " + image.version());
    } catch (Exception e) {
      return HealthCheck.Verdict.unhealthy(e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }
}
