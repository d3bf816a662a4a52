package dev.thingbridge.mcu.smp;

import java.util.List;
import java.util.Optional;

/**
 * The reply to an image state read (or write): the slots that hold an image.
 *
 * @param slots one entry per slot with a valid image header
 */
public record ImageState(List<ImageSlot> slots) {
  public ImageState {
    slots = List.copyOf(slots);
  }

  /** The running image of image 0. */
  public Optional<ImageSlot> active() {
    return slots.stream().filter(s -> s.image() == 0 && s.active()).findFirst();
  }

  /** The entry of image 0 in {@code slot}. */
  public Optional<ImageSlot> slot(int slot) {
    return slots.stream().filter(s -> s.image() == 0 && s.slot() == slot).findFirst();
  }

  /** The entry holding the image with {@code hash}. */
  public Optional<ImageSlot> find(byte[] hash) {
    return slots.stream().filter(s -> s.holds(hash)).findFirst();
  }
}
