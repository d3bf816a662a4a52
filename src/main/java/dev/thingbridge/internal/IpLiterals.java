package dev.thingbridge.internal;

/**
 * IP address literals checked by their text alone: no name lookup ever happens (unlike {@code
 * InetAddress.getByName}, which resolves anything that is not a literal).
 */
public final class IpLiterals {
  private IpLiterals() {}

  /** Whether {@code s} is an IPv4 dotted quad or an IPv6 address (with an optional trailing IPv4 part). */
  public static boolean isIp(String s) {
    return s != null && (isIpv4(s) || isIpv6(s));
  }

  /** Whether {@code s} is a dotted quad of 0-255 without leading zeros. */
  public static boolean isIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
        return false;
      }
      for (int i = 0; i < p.length(); i++) {
        if (p.charAt(i) < '0' || p.charAt(i) > '9') {
          return false;
        }
      }
      if (Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code s} is an IPv6 address in any RFC 4291 text form (no zone id). */
  public static boolean isIpv6(String s) {
    if (s.isEmpty() || s.length() > 45 || s.indexOf(':') < 0) {
      return false;
    }
    int doubleColon = s.indexOf("::");
    if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
      return false;
    }
    String head = doubleColon >= 0 ? s.substring(0, doubleColon) : s;
    String tail = doubleColon >= 0 ? s.substring(doubleColon + 2) : "";
    int headGroups = groups(head, doubleColon < 0);
    int tailGroups = groups(tail, true);
    if (headGroups < 0 || tailGroups < 0) {
      return false;
    }
    int groups = headGroups + tailGroups;
    return doubleColon >= 0 ? groups <= 7 : groups == 8;
  }

  /** Counts the 16-bit groups of one side of {@code ::}; -1 if malformed. IPv4 may end the address. */
  private static int groups(String half, boolean endsAddress) {
    if (half.isEmpty()) {
      return 0;
    }
    String[] parts = half.split(":", -1);
    int groups = 0;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (endsAddress && i == parts.length - 1 && p.indexOf('.') >= 0) {
        if (!isIpv4(p)) {
          return -1;
        }
        groups += 2;
      } else if (p.isEmpty() || p.length() > 4 || !p.chars().allMatch(IpLiterals::isHexDigit)) {
        return -1;
      } else {
        groups++;
      }
    }
    return groups;
  }

  /**
   * Whether {@code s} is {@code ipv4:port} or {@code [ipv6]:port} with a port of 0-65535; with {@code lenient},
   * also an unbracketed {@code ipv6:port} (split at the last colon).
   */
  public static boolean isAddressAndPort(String s, boolean lenient) {
    if (s == null) {
      return false;
    }
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || !isPort(s.substring(colon + 1))) {
      return false;
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      return isIpv6(host.substring(1, host.length() - 1));
    }
    return isIpv4(host) || (lenient && isIpv6(host));
  }

  /** {@link #isAddressAndPort(String, boolean)}, strict. */
  public static boolean isAddressAndPort(String s) {
    return isAddressAndPort(s, false);
  }

  private static boolean isHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean isPort(String p) {
    if (p.isEmpty() || p.length() > 5 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    return Integer.parseInt(p) <= 65_535;
  }
}
