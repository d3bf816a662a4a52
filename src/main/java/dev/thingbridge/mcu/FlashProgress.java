package dev.thingbridge.mcu;

/**
 * A progress event of a flash.
 *
 * @param device the device's id
 * @param step the step running
 * @param bytesDone image bytes the device has acknowledged (during and after the upload)
 * @param bytesTotal the image's size
 * @param message one line for a person
 */
public record FlashProgress(String device, FlashStep step, long bytesDone, long bytesTotal, String message) {
  /** Uploaded fraction, 0..1. */
  public double fraction() {
    return bytesTotal == 0 ? 0 : (double) bytesDone / bytesTotal;
  }
}
