package dev.thingbridge.transfer;

/** What the platform says about the image it runs (FreeRTOS's {@code OtaPalImageState_t}). */
public enum PlatformImageState {
  /** Not known (the platform cannot tell, or reading it failed). */
  UNKNOWN,
  /** A new image runs on trial: it must pass its self-test and be committed, or it is rolled back. */
  PENDING_COMMIT,
  /** The running image is committed. */
  VALID,
  /** The last new image was refused and the previous one restored. */
  INVALID
}
