package dev.thingbridge.mcu;

/**
 * Hears a flash's progress. Called on the device's own thread ({@code thingbridge-mcu-<id>}): return quickly, never
 * block, never call back into the device. An exception thrown here is logged and ignored.
 */
@FunctionalInterface
public interface FlashListener {
  FlashListener NONE = p -> { };

  void onProgress(FlashProgress progress);
}
