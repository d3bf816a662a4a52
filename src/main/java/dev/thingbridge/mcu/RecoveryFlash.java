package dev.thingbridge.mcu;

import dev.thingbridge.mcu.FlashResult.Outcome;
import dev.thingbridge.mcu.image.McubootImage;
import dev.thingbridge.mcu.internal.FlashJournal.Phase;
import dev.thingbridge.mcu.smp.ImageState;
import java.io.IOException;

/**
 * Flashing without rollback (serial-bridge.md §7.3.6): a device in MCUboot's serial recovery, or a single-slot
 * application that is first restarted into recovery ({@code reset boot_mode=1}). The upload overwrites the primary
 * slot; after a reset the new image must boot and answer, and nothing can bring the old one back.
 */
final class RecoveryFlash {
  private final FlashFlow flow;
  private final McuConnection conn;
  private final Restarts restarts;
  private final McuConfig config;

  RecoveryFlash(FlashFlow flow, McuConnection conn, Restarts restarts) {
    this.flow = flow;
    this.conn = conn;
    this.restarts = restarts;
    this.config = conn.config();
  }

  FlashResult run(DeviceInfo info) throws IOException {
    flow.noRollback();
    McubootImage image = flow.image();
    if (!info.inRecovery()) {
      ImageState s = flow.readState();
      flow.notePrevious(s);
      if (s.active().map(a -> a.holds(image.hash()) && a.confirmed()).orElse(false)
          && flow.phase().compareTo(Phase.RESET_SENT) < 0) {
        return flow.result(Outcome.ALREADY_RUNNING, image.version() + " already runs (single slot)");
      }
      if (s.active().map(a -> a.holds(image.hash())).orElse(false)) {
        return healthy(image);
      }
      restarts.reset("restarting into serial recovery", 1);
      restarts.waitForBoot("entering serial recovery");
      if (!flow.probe().inRecovery()) {
        return flow.result(Outcome.REFUSED, "the device did not restart into serial recovery (reset with boot_mode 1"
            + " needs MCUboot's retention support); a single-slot device cannot be updated from its application");
      }
    } else {
      try {
        flow.notePrevious(flow.readState());
      } catch (McuProtocolException | McuErrorResponseException noList) {
        // Recovery builds without the image list: nothing to note.
      }
    }
    try {
      flow.addUploaded(new Uploader(flow, conn).upload(image, false));
    } catch (McuErrorResponseException e) {
      return flow.result(Outcome.REFUSED, "the bootloader refused the upload: " + e.error());
    }
    flow.advance(Phase.UPLOADED);
    restarts.reset("starting the new image", null);
    restarts.waitForBoot("booting the new image");
    if (flow.probe().inRecovery()) {
      return flow.result(Outcome.FAILED, "the new image " + image.version() + " does not boot: the device stays in"
          + " serial recovery (no rollback: flash a working image)");
    }
    ImageState s = flow.readState();
    if (!s.active().or(() -> s.slot(0)).map(a -> a.holds(image.hash())).orElse(false)) {
      return flow.result(Outcome.FAILED, "after the reset the device runs " + FlashFlow.running(s) + ", not "
          + image.version());
    }
    return healthy(image);
  }

  private FlashResult healthy(McubootImage image) throws IOException {
    HealthCheck.Verdict v = restarts.health(image);
    String how = " (" + config.id() + " has no rollback: serial recovery / single slot)";
    return v.healthy() ? flow.result(Outcome.UPDATED, image.version() + " runs; " + v.reason() + how)
        : flow.result(Outcome.FAILED, image.version() + " runs but is unhealthy: " + v.reason() + how);
  }
}
