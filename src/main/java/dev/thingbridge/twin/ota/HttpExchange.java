package dev.thingbridge.twin.ota;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request head read from a connection: method, path, query, headers. Only what a file server needs;
 * bodies are skipped.
 *
 * @param method the method
 * @param rawPath the path as sent (percent-encoded)
 * @param query the query parameters, decoded
 * @param headers the headers, names in lower case
 * @param keepAlive whether the connection stays open after the answer
 */
record HttpExchange(String method, String rawPath, Map<String, String> query, Map<String, String> headers,
    boolean keepAlive) {
  private static final int MAX_HEAD = 16 * 1024;

  /** A request that is not HTTP. */
  public static final class BadRequest extends IOException {
    public BadRequest(String message) {
      super(message);
    }
  }

  /** Reads the next request head, or null at the end of the connection. */
  public static HttpExchange read(InputStream in) throws IOException {
    String requestLine = line(in);
    while (requestLine != null && requestLine.isEmpty()) {
      requestLine = line(in);
    }
    if (requestLine == null) {
      return null;
    }
    String[] parts = requestLine.split(" ");
    if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
      throw new BadRequest("not an HTTP/1.x request line");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    int total = requestLine.length();
    String h;
    while ((h = line(in)) != null && !h.isEmpty()) {
      total += h.length();
      if (total > MAX_HEAD) {
        throw new BadRequest("request head too large");
      }
      int colon = h.indexOf(':');
      if (colon > 0) {
        headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
      }
    }
    long length = 0;
    if (headers.containsKey("content-length")) {
      try {
        length = Long.parseLong(headers.get("content-length"));
      } catch (NumberFormatException e) {
        throw new BadRequest("bad Content-Length");
      }
    }
    in.skipNBytes(length);
    String target = parts[1];
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    Map<String, String> query = new LinkedHashMap<>();
    if (q >= 0) {
      for (String kv : target.substring(q + 1).split("&")) {
        int eq = kv.indexOf('=');
        String k = eq < 0 ? kv : kv.substring(0, eq);
        String v = eq < 0 ? "" : kv.substring(eq + 1);
        query.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
      }
    }
    String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
    boolean keepAlive = parts[2].equals("HTTP/1.1") ? !connection.contains("close") : connection.contains("keep-alive");
    return new HttpExchange(parts[0], path, query, headers, keepAlive);
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int n = sb.length();
        return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
      }
      if (sb.length() >= MAX_HEAD) {
        throw new BadRequest("line too long");
      }
      sb.append((char) c);
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  /**
   * The byte range a {@code Range} header asks for within {@code size}: {start, end} inclusive; null when there
   * is no usable single range (the whole file is sent); {-1, -1} when it cannot be satisfied.
   */
  public static long[] range(String header, long size) {
    if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
      return null;
    }
    String spec = header.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    try {
      String a = spec.substring(0, dash).trim();
      String b = spec.substring(dash + 1).trim();
      if (a.isEmpty()) {
        long suffix = Long.parseLong(b);
        if (suffix <= 0) {
          return new long[] {-1, -1};
        }
        return new long[] {Math.max(0, size - suffix), size - 1};
      }
      long start = Long.parseLong(a);
      long end = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
      if (start >= size || end < start) {
        return new long[] {-1, -1};
      }
      return new long[] {start, end};
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
