package dev.thingbridge.mcu.smp;

/**
 * MCUboot's mode as bootloader info ({@code query: "mode"}) reports it, and whether an unconfirmed image is
 * reverted at the next reset.
 */
public enum BootloaderMode {
  UNKNOWN(-1, false),
  /** One application slot: updates go through serial recovery, nothing to go back to. */
  SINGLE_APP(0, false),
  SWAP_USING_SCRATCH(1, true),
  OVERWRITE_ONLY(2, false),
  SWAP_WITHOUT_SCRATCH(3, true),
  DIRECT_XIP(4, false),
  DIRECT_XIP_WITH_REVERT(5, true),
  RAM_LOAD(6, false);

  private final int code;
  private final boolean reverts;

  BootloaderMode(int code, boolean reverts) {
    this.code = code;
    this.reverts = reverts;
  }

  public int code() {
    return code;
  }

  /** Whether a test image that is not confirmed is reverted: the safe test/confirm flow exists. */
  public boolean canRevert() {
    return reverts;
  }

  /** The mode for a wire value; unknown values give {@link #UNKNOWN}. */
  public static BootloaderMode of(int code) {
    for (BootloaderMode m : values()) {
      if (m.code == code) {
        return m;
      }
    }
    return UNKNOWN;
  }
}
