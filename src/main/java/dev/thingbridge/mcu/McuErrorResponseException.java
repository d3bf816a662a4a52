package dev.thingbridge.mcu;

import dev.thingbridge.mcu.smp.SmpError;

/** The device answered a request with an error: {@link #error()} has the group, code and reason. */
public class McuErrorResponseException extends McuException {
  private final transient SmpError error;
  private final String request;

  public McuErrorResponseException(String request, SmpError error) {
    super(request + " refused by the device: " + error);
    this.error = error;
    this.request = request;
  }

  /** The decoded error. */
  public SmpError error() {
    return error;
  }

  /** What was asked, e.g. {@code image upload}. */
  public String request() {
    return request;
  }
}
