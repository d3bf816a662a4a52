package dev.thingbridge.shadows.schema.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Store path segments and JSON Pointers. A segment never contains {@code /} and never starts with {@code _}, so
 * the reserved keys ({@code _variant}, {@code __keys__}, {@code __schema__}) can never collide with a field, a
 * variant or a map key, whatever the cloud sends.
 */
public final class Segments {
  private Segments() {}

  /** Longest segment kept readable; longer ones (long map keys from the cloud) are hashed. */
  static final int MAX_SEGMENT = 64;

  /**
   * Encodes a field name, variant name or map key as one store path segment: {@code %}, {@code /} and a leading
   * {@code _} are escaped, and a segment longer than {@value #MAX_SEGMENT} characters becomes {@code %H} and 32 hex
   * digits of its SHA-256 (a map's raw keys are kept in its {@code __keys__} list, so nothing is lost).
   */
  public static String encode(String name) {
    boolean plain = !name.isEmpty() && name.charAt(0) != '_' && name.length() <= MAX_SEGMENT;
    for (int i = 0; plain && i < name.length(); i++) {
      char c = name.charAt(i);
      plain = c != '/' && c != '%' && c >= 0x20 && c < 0x7f;
    }
    if (plain) {
      return name;
    }
    if (name.isEmpty()) {
      return "%";
    }
    StringBuilder out = new StringBuilder(name.length() + 6);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '%') {
        out.append("%25");
      } else if (c == '/') {
        out.append("%2F");
      } else if (c == '_' && i == 0) {
        out.append("%5F");
      } else {
        out.append(c);
      }
    }
    String escaped = out.toString();
    return escaped.length() <= MAX_SEGMENT && escaped.getBytes(StandardCharsets.UTF_8).length <= MAX_SEGMENT
        ? escaped : "%H" + sha256Hex(name).substring(0, 32);
  }

  private static String sha256Hex(String s) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder(64);
      for (byte b : digest) {
        hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Appends one reference token to a JSON Pointer (RFC 6901). */
  public static String pointer(String parent, String token) {
    return parent + "/" + token.replace("~", "~0").replace("/", "~1");
  }
}
