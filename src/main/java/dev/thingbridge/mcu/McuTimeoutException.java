package dev.thingbridge.mcu;

/** A device that had answered stopped answering: a request got no reply within its timeout and retries. */
public class McuTimeoutException extends McuException {
  public McuTimeoutException(String message) {
    super(message);
  }
}
