package dev.thingbridge.transfer.internal;

import java.net.URI;

/** Takes a pre-signed URL, and its path and query, out of text meant for logs. */
public final class Redaction {
  private Redaction() {}

  public static String redact(String text, String url) {
    if (text == null || url == null || url.isEmpty()) {
      return text;
    }
    String t = text.replace(url, "<pre-signed URL>");
    try {
      URI u = URI.create(url);
      if (u.getRawQuery() != null && !u.getRawQuery().isEmpty()) {
        t = t.replace(u.getRawQuery(), "<query>");
      }
      if (u.getRawPath() != null && u.getRawPath().length() > 1) {
        t = t.replace(u.getRawPath(), "<path>");
      }
    } catch (IllegalArgumentException ignored) {
      // not a URI: the literal replacement above is all we can do
    }
    return t;
  }
}
