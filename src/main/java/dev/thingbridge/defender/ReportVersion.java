package dev.thingbridge.defender;

/**
 * The report schema version, sent as the string {@code "major.minor"}; AWS documents {@code "1.0"}.
 *
 * @param major 0-255
 * @param minor 0-255
 */
public record ReportVersion(int major, int minor) {
  /** The version AWS documents. */
  public static final ReportVersion V1_0 = new ReportVersion(1, 0);

  public ReportVersion {
    if (major < 0 || major > 255 || minor < 0 || minor > 255) {
      throw new IllegalArgumentException("version parts are 0-255: " + major + "." + minor);
    }
  }

  /** {@code "major.minor"}. */
  public String text() {
    return major + "." + minor;
  }

  @Override
  public String toString() {
    return text();
  }
}
