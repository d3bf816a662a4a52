package dev.thingbridge.transfer;

/** An OTA job document that cannot be run: a missing or malformed field. The message says which. */
public final class OtaDocumentException extends RuntimeException {
  public OtaDocumentException(String message) {
    super(message);
  }
}
