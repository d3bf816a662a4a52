package dev.thingbridge.mcu.fake;

import dev.thingbridge.mcu.image.ImageFormatException;
import dev.thingbridge.mcu.image.McubootImage;
import dev.thingbridge.mcu.smp.BootloaderMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * The fake MCU's flash: two slots of bytes (erased = 0xFF) and MCUboot's trailer state kept as fields rather than
 * bytes (secondary marked for test or permanent; primary running a test image that the next reset reverts), and
 * MCUboot's decision at reset ({@code mcu-tools/mcuboot docs/design.md}, "swap types"). Guarded by the owning
 * {@link FakeMcu}.
 */
final class FakeFlash {
  /** What the bootloader did at a reset. */
  enum BootAction {
    NONE,
    SWAPPED_FOR_TEST,
    SWAPPED_PERMANENT,
    OVERWRITTEN,
    REVERTED,
    /** The secondary image was marked but is invalid (bad hash, or a downgrade refused): not swapped. */
    SWAP_REFUSED
  }

  final int slotSize;
  final int pageSize;
  private final byte[][] slots = new byte[2][];
  boolean pendingTest;
  boolean pendingPermanent;
  boolean revertPending;

  FakeFlash(int slotSize, int pageSize, byte[] initialImage) {
    this.slotSize = slotSize;
    this.pageSize = pageSize;
    for (int i = 0; i < 2; i++) {
      slots[i] = new byte[slotSize];
      Arrays.fill(slots[i], (byte) 0xFF);
    }
    if (initialImage.length > slotSize) {
      throw new IllegalArgumentException("initial image larger than a slot");
    }
    System.arraycopy(initialImage, 0, slots[0], 0, initialImage.length);
  }

  void erase(int slot, int from, int to) {
    Arrays.fill(slots[slot], from, to, (byte) 0xFF);
  }

  void write(int slot, long offset, byte[] data, int length) {
    System.arraycopy(data, 0, slots[slot], (int) offset, length);
  }

  byte[] read(int slot, int length) {
    return Arrays.copyOf(slots[slot], length);
  }

  /** The image in {@code slot} as its header and TLV area describe it, hash not checked; empty if none. */
  Optional<McubootImage> image(int slot) {
    byte[] s = slots[slot];
    ByteBuffer h = ByteBuffer.wrap(s).order(ByteOrder.LITTLE_ENDIAN);
    if (h.getInt(0) != McubootImage.MAGIC) {
      return Optional.empty();
    }
    long end = Short.toUnsignedInt(h.getShort(8)) + Integer.toUnsignedLong(h.getInt(12))
        + Short.toUnsignedInt(h.getShort(10));
    if (end + 4 > s.length) {
      return Optional.empty();
    }
    end += Short.toUnsignedInt(h.getShort((int) end + 2));
    if (end > s.length) {
      return Optional.empty();
    }
    try {
      return Optional.of(McubootImage.parse(Arrays.copyOf(s, (int) end)));
    } catch (ImageFormatException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code slot} holds an image MCUboot would boot: its hash checks and it is bootable. */
  boolean bootable(int slot) {
    Optional<McubootImage> img = image(slot);
    if (img.isEmpty() || !img.get().bootable()) {
      return false;
    }
    try {
      img.get().verifyHash();
      return true;
    } catch (ImageFormatException e) {
      return false;
    }
  }

  /** MCUboot at reset. */
  BootAction boot(BootloaderMode mode, boolean noDowngrade) {
    if (!mode.canRevert() && mode != BootloaderMode.OVERWRITE_ONLY) {
      pendingTest = pendingPermanent = revertPending = false;
      return BootAction.NONE; // single slot: nothing to swap
    }
    if (revertPending) {
      swap();
      revertPending = false;
      pendingTest = pendingPermanent = false;
      return BootAction.REVERTED;
    }
    if (!pendingTest && !pendingPermanent) {
      return BootAction.NONE;
    }
    boolean permanent = pendingPermanent;
    pendingTest = pendingPermanent = false;
    boolean downgrade = noDowngrade && image(0).isPresent() && image(1).isPresent()
        && image(1).get().version().compareTo(image(0).get().version()) <= 0;
    if (!bootable(1) || downgrade) {
      return BootAction.SWAP_REFUSED;
    }
    if (mode == BootloaderMode.OVERWRITE_ONLY) {
      System.arraycopy(slots[1], 0, slots[0], 0, slotSize);
      Arrays.fill(slots[1], (byte) 0xFF);
      return BootAction.OVERWRITTEN;
    }
    swap();
    revertPending = !permanent;
    return permanent ? BootAction.SWAPPED_PERMANENT : BootAction.SWAPPED_FOR_TEST;
  }

  private void swap() {
    byte[] t = slots[0];
    slots[0] = slots[1];
    slots[1] = t;
  }
}
