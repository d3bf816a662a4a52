package dev.thingbridge.mcu.smp;

import java.util.HexFormat;

/**
 * One entry of an image state read: which image and slot, the version text the device reports, the image hash
 * (TLV 0x10 of the image in that slot) and its flags.
 *
 * @param image the image number (0 unless the device has several images)
 * @param slot 0 (primary) or 1 (secondary)
 * @param version as the device prints it, e.g. {@code 1.2.3} or {@code 1.2.3.4}
 * @param hash the 32-byte image hash
 * @param bootable not marked non-bootable
 * @param pending marked for test (or permanent) at the next reset
 * @param confirmed confirmed: the active image when no revert is pending, or the image a revert will restore
 * @param active running now
 * @param permanent pending and confirmed in advance (no rollback after the swap)
 */
public record ImageSlot(int image, int slot, String version, byte[] hash, boolean bootable, boolean pending,
    boolean confirmed, boolean active, boolean permanent) {
  public ImageSlot {
    hash = hash.clone();
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  /** The hash in lower-case hex. */
  public String hashHex() {
    return HexFormat.of().formatHex(hash);
  }

  /** Whether this slot holds the image with {@code imageHash}. */
  public boolean holds(byte[] imageHash) {
    return java.security.MessageDigest.isEqual(hash, imageHash);
  }

  @Override
  public String toString() {
    return "slot " + slot + " " + version + " " + hashHex().substring(0, Math.min(16, hashHex().length()))
        + (active ? " active" : "") + (confirmed ? " confirmed" : "") + (pending ? " pending" : "")
        + (permanent ? " permanent" : "") + (bootable ? "" : " non-bootable");
  }
}
