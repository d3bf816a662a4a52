package dev.thingbridge.jobs;

/** A job document is absent or malformed for the type it should decode into. The agent rejects the job. */
public class JobDocumentException extends RuntimeException {
  public JobDocumentException(String message) {
    super(message);
  }

  public JobDocumentException(String message, Throwable cause) {
    super(message, cause);
  }
}
