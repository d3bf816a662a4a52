package dev.thingbridge.mcu.fake;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of a {@link FakeMcu}: what runs, what the slots hold, the bootloader's trailer state and counters.
 *
 * @param inRecovery serving as MCUboot serial recovery
 * @param booting in the boot delay (not answering)
 * @param answering running and answering SMP (not booting, hung, crashing or silenced)
 * @param primary the image in slot 0
 * @param secondary the image in slot 1
 * @param pendingTest slot 1 is marked for test at the next reset
 * @param pendingPermanent slot 1 is marked permanent
 * @param revertPending the running image is an unconfirmed test image: the next reset reverts it
 * @param uploadOffset the next offset of the upload in RAM, or -1
 * @param resets resets since power-on (commands, power cuts, crashes, reset lines)
 * @param chunksReceived upload requests received
 * @param bootActions what the bootloader did at each reset, oldest first
 */
public record FakeMcuState(boolean inRecovery, boolean booting, boolean answering, Optional<SlotImage> primary,
    Optional<SlotImage> secondary, boolean pendingTest, boolean pendingPermanent, boolean revertPending,
    long uploadOffset, int resets, int chunksReceived, List<String> bootActions) {

  /**
   * An image in a slot.
   *
   * @param version its version
   * @param hash its hash TLV
   * @param valid whether its hash checks and it is bootable
   */
  public record SlotImage(String version, byte[] hash, boolean valid) {
    public String hashHex() {
      return HexFormat.of().formatHex(hash);
    }
  }

  /** The running (primary) image's version, or empty. */
  public Optional<String> runningVersion() {
    return primary.map(SlotImage::version);
  }

  /** Whether the running image is confirmed (no revert at the next reset). */
  public boolean runningConfirmed() {
    return primary.isPresent() && !revertPending;
  }
}
