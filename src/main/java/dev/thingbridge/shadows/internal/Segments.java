package dev.thingbridge.shadows.internal;

/**
 * Store path segments and JSON Pointers. A segment never contains {@code /} and never starts with {@code _}, so
 * the reserved keys ({@code _variant}, {@code __keys__}, {@code __schema__}) can never collide with a field, a
 * variant or a map key, whatever the cloud sends.
 */
public final class Segments {
  private Segments() {}

  /** Encodes a field name, variant name or map key as one store path segment. */
  public static String encode(String name) {
    boolean plain = !name.isEmpty() && name.charAt(0) != '_';
    for (int i = 0; plain && i < name.length(); i++) {
      char c = name.charAt(i);
      plain = c != '/' && c != '%';
    }
    if (plain) {
      return name;
    }
    StringBuilder out = new StringBuilder(name.length() + 6);
    if (name.isEmpty()) {
      return "%";
    }
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
    return out.toString();
  }

  /** Appends one reference token to a JSON Pointer (RFC 6901). */
  public static String pointer(String parent, String token) {
    return parent + "/" + token.replace("~", "~0").replace("/", "~1");
  }
}
