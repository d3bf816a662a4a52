package dev.thingbridge.transfer;

/**
 * Why an OTA job failed, as reported in the execution's {@code statusDetails} ({@code reason} and {@code
 * error_code}). The 1xxx codes are the platform's (rustot's {@code PalError}, FreeRTOS's PAL errors), the
 * 2xxx codes the image-state reasons of the OTA state machine; both keep rustot's numbers and strings. The
 * 3xxx codes are thingbridge's own, for failures rustot folds into a generic error.
 */
public enum OtaErrorCode {
  SIG_CHECK_FAILED(1001, "sig_check_failed"),
  FILE_WRITE_FAILED(1002, "file_write_failed"),
  FILE_TOO_LARGE(1003, "file_too_large"),
  FILE_CLOSE_FAILED(1004, "file_close_failed"),
  BAD_FILE_HANDLE(1005, "bad_file_handle"),
  UNSUPPORTED(1006, "unsupported"),
  BAD_IMAGE_STATE(1007, "bad_image_state"),
  COMMIT_FAILED(1008, "commit_failed"),
  PLATFORM_VERSION_CHECK(1009, "version_check"),
  OTHER(1099, "other"),

  NEWER_JOB(2001, "newer_job"),
  FAILED_INGEST(2002, "failed_ingest"),
  MOMENTUM_ABORT(2003, "momentum_abort"),
  STATE_MISMATCH(2004, "state_mismatch"),
  INVALID_PROTOCOL(2005, "invalid_protocol"),
  USER_ABORT(2006, "user_abort"),
  VERSION_CHECK(2007, "version_check"),

  /** The pre-signed URL was refused (HTTP 403), also after fetching the job document again. */
  URL_EXPIRED(3001, "url_expired"),
  /** The data could not be fetched: the stream or the HTTP server refused for good. */
  DOWNLOAD_FAILED(3002, "download_failed"),
  /** The file's {@code filepath} may not be written (outside the install directory, a link, a device). */
  INVALID_FILE_PATH(3003, "invalid_file_path"),
  /** The job document is not a runnable OTA document. */
  INVALID_DOCUMENT(3004, "invalid_document"),
  /** The platform's self-test of the new image failed or did not finish in time. */
  SELF_TEST_FAILED(3005, "self_test_failed");

  private final int code;
  private final String reason;

  OtaErrorCode(int code, String reason) {
    this.code = code;
    this.reason = reason;
  }

  /** The number sent as {@code error_code}. */
  public int code() {
    return code;
  }

  /** The string sent as {@code reason}. */
  public String reason() {
    return reason;
  }

  /** Whether this is a platform (1xxx) error. */
  public boolean isPlatformError() {
    return code < 2000;
  }
}
