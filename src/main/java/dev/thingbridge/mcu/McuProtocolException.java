package dev.thingbridge.mcu;

/** A reply that decodes but does not say what the protocol requires (a missing or mistyped field). */
public class McuProtocolException extends McuException {
  public McuProtocolException(String message) {
    super(message);
  }
}
