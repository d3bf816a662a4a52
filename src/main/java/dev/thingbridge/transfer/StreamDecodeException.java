package dev.thingbridge.transfer;

/** A stream message that does not decode: not CBOR/JSON, a missing or mistyped key. */
public final class StreamDecodeException extends RuntimeException {
  public StreamDecodeException(String message) {
    super(message);
  }

  public StreamDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
