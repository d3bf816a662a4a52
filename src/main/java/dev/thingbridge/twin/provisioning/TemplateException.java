package dev.thingbridge.twin.provisioning;

/** A template that cannot be created or cannot provision this device: an AWS-shaped error. */
final class TemplateException extends RuntimeException {
  private final int statusCode;
  private final String errorCode;

  public TemplateException(int statusCode, String errorCode, String message) {
    super(message);
    this.statusCode = statusCode;
    this.errorCode = errorCode;
  }

  public int statusCode() {
    return statusCode;
  }

  public String errorCode() {
    return errorCode;
  }
}
