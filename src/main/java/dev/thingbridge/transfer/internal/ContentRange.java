package dev.thingbridge.transfer.internal;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code Content-Range: bytes FIRST-LAST/SIZE} header of a {@code 206} answer ({@code SIZE} may be {@code *}).
 * Parsing never throws: a header that is not of this form, or whose numbers do not fit or contradict each other,
 * is empty.
 *
 * @param first the first byte sent
 * @param last the last byte sent (inclusive)
 * @param size the whole file's size, or -1 for {@code *}
 */
public record ContentRange(long first, long last, long size) {
  // 18 digits at most: every such number fits a long, so parsing cannot overflow.
  private static final Pattern FORM = Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)");

  /** The header's range, or empty when it is malformed. */
  public static Optional<ContentRange> parse(String header) {
    if (header == null) {
      return Optional.empty();
    }
    Matcher m = FORM.matcher(header.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    long first = Long.parseLong(m.group(1));
    long last = Long.parseLong(m.group(2));
    long size = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
    if (last < first || (size >= 0 && last >= size)) {
      return Optional.empty();
    }
    return Optional.of(new ContentRange(first, last, size));
  }

  /** Whether it answers a request for bytes {@code from-to} of a {@code fileSize}-byte file (a shorter tail is fine). */
  public boolean answers(long from, long to, long fileSize) {
    return first == from && last <= to && (size < 0 || size == fileSize);
  }
}
