package dev.thingbridge.twin.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * AWS-style pagination over an ordered list: {@code maxResults} (1-250, AWS's bound for these list
 * operations) and an opaque {@code nextToken}. The token carries an offset and a fingerprint of the query so
 * that a token from another query is refused like AWS refuses it (InvalidRequestException).
 */
public final class Paging {
  /** AWS's largest page for ListThings and the ListJobExecutions operations. */
  public static final int MAX_RESULTS = 250;

  private Paging() {}

  /** A page of {@code items}. */
  public record Page<T>(List<T> items, String nextToken) {
    public Page {
      items = List.copyOf(items);
    }
  }

  /**
   * Cuts one page.
   *
   * @param items every item, in listing order
   * @param maxResults the page size (null: {@code defaultSize})
   * @param nextToken the token of the previous page, or null for the first
   * @param query what identifies the listing (the token is only valid for the same query)
   * @throws AwsApiException InvalidRequestException for a bad size or token
   */
  public static <T> Page<T> page(List<T> items, Integer maxResults, String nextToken, String query,
      int defaultSize) {
    int size = maxResults == null ? defaultSize : maxResults;
    if (size < 1 || size > MAX_RESULTS) {
      throw AwsApiException.invalidRequest("maxResults must be between 1 and " + MAX_RESULTS + ", got " + size);
    }
    int offset = nextToken == null || nextToken.isEmpty() ? 0 : decode(nextToken, query);
    int end = Math.min(items.size(), offset + size);
    List<T> slice = offset >= items.size() ? List.of() : items.subList(offset, end);
    String next = end < items.size() ? encode(end, query) : null;
    return new Page<>(slice, next);
  }

  /** Parses an integer query parameter, refusing garbage with InvalidRequestException. */
  public static Integer intParam(String name, String raw) {
    if (raw == null) {
      return null;
    }
    try {
      return Integer.valueOf(raw);
    } catch (NumberFormatException e) {
      throw AwsApiException.invalidRequest(name + " must be an integer, got '" + raw + "'");
    }
  }

  private static String encode(int offset, String query) {
    String plain = offset + ":" + Integer.toHexString(query.hashCode());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  private static int decode(String token, String query) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      int colon = plain.indexOf(':');
      int offset = Integer.parseInt(plain.substring(0, colon));
      if (offset < 0 || !plain.substring(colon + 1).equals(Integer.toHexString(query.hashCode()))) {
        throw new IllegalArgumentException("token of another query");
      }
      return offset;
    } catch (RuntimeException e) {
      throw AwsApiException.invalidRequest("The nextToken is invalid");
    }
  }
}
