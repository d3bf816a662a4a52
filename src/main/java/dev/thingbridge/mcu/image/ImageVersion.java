package dev.thingbridge.mcu.image;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An MCUboot image version: major (u8), minor (u8), revision (u16), build number (u32). Written as Zephyr's
 * image state read reports it: {@code major.minor.revision}, with {@code .build} appended when the build number
 * is not 0. {@link #parse} also takes imgtool's {@code major.minor.revision+build}.
 */
public record ImageVersion(int major, int minor, int revision, long build) implements Comparable<ImageVersion> {
  private static final Pattern TEXT = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?(?:[.+](\\d+))?");

  public ImageVersion {
    if (major < 0 || major > 0xFF || minor < 0 || minor > 0xFF || revision < 0 || revision > 0xFFFF
        || build < 0 || build > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException(
          "version out of range (u8.u8.u16+u32): " + major + "." + minor + "." + revision + "+" + build);
    }
  }

  /**
   * Parses {@code 1.2}, {@code 1.2.3}, {@code 1.2.3.4} or {@code 1.2.3+4}.
   *
   * @throws IllegalArgumentException for anything else or out-of-range parts
   */
  public static ImageVersion parse(String text) {
    Matcher m = TEXT.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a version (major.minor[.revision][+build])");
    }
    try {
      return new ImageVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
          m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), m.group(4) == null ? 0 : Long.parseLong(m.group(4)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' has a part out of range", e);
    }
  }

  @Override
  public int compareTo(ImageVersion o) {
    int c = Integer.compare(major, o.major);
    if (c == 0) {
      c = Integer.compare(minor, o.minor);
    }
    if (c == 0) {
      c = Integer.compare(revision, o.revision);
    }
    return c != 0 ? c : Long.compare(build, o.build);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + revision + (build != 0 ? "." + build : "");
  }
}
