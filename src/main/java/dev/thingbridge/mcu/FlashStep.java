package dev.thingbridge.mcu;

/** The steps of a flash (serial-bridge.md §7.3), in the order they normally run. */
public enum FlashStep {
  VERIFYING_IMAGE,
  PROBING,
  READING_STATE,
  UPLOADING,
  MARKING_TEST,
  RESETTING,
  WAITING_FOR_BOOT,
  CHECKING_ACTIVE,
  HEALTH_CHECK,
  CONFIRMING,
  REVERTING,
  DONE
}
