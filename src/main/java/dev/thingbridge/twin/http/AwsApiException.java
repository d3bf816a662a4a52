package dev.thingbridge.twin.http;

/**
 * An AWS-shaped error: the server answers {@code status} with header {@code x-amzn-ErrorType: <type>} and
 * body {@code {"message": ...}}, which is how the AWS SDKs recognise {@code ResourceNotFoundException} and
 * friends.
 */
public class AwsApiException extends RuntimeException {
  private final int status;
  private final String type;

  public AwsApiException(int status, String type, String message) {
    super(message);
    this.status = status;
    this.type = type;
  }

  public int status() {
    return status;
  }

  /** The AWS error type, e.g. {@code ResourceNotFoundException}. */
  public String type() {
    return type;
  }

  public static AwsApiException notFound(String message) {
    return new AwsApiException(404, "ResourceNotFoundException", message);
  }

  public static AwsApiException invalidRequest(String message) {
    return new AwsApiException(400, "InvalidRequestException", message);
  }

  public static AwsApiException conflict(String message) {
    return new AwsApiException(409, "VersionConflictException", message);
  }
}
