package dev.thingbridge.transfer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code statusDetails} of an OTA job update, in the order rustot emits them: {@code self_test}, {@code
 * progress} ({@code received/total} blocks), {@code reason} and {@code error_code} for failures, then {@code
 * detail} (thingbridge: the failure in words) and the platform's own keys.
 *
 * <p>Every value is a string, {@code error_code} too: AWS documents {@code statusDetails} as a map of strings
 * and refuses other values (rustot sends the code as a JSON number).
 *
 * @param selfTest the {@code self_test} value
 * @param progress {@code received/total}, or null
 * @param failure the failure, or null
 * @param detail the failure in words (at most 256 characters are sent), or null
 * @param extras the platform's keys, after the others
 */
public record OtaStatusDetails(
    SelfTestStatus selfTest, String progress, OtaErrorCode failure, String detail, Map<String, String> extras) {
  /** The keys this class owns; the others of an incoming map are the platform's. */
  public static final Set<String> KEYS = Set.of("self_test", "progress", "reason", "error_code", "detail");
  private static final int MAX_DETAIL = 256;

  public OtaStatusDetails {
    Objects.requireNonNull(selfTest, "selfTest");
    extras = extras == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extras));
  }

  /** Details with only {@code self_test}. */
  public static OtaStatusDetails of(SelfTestStatus selfTest) {
    return new OtaStatusDetails(selfTest, null, null, null, Map.of());
  }

  /** A copy with {@code progress} set to {@code received/total}. */
  public OtaStatusDetails withProgress(long received, long total) {
    return new OtaStatusDetails(selfTest, received + "/" + total, failure, detail, extras);
  }

  /** A copy with a failure (and its words). */
  public OtaStatusDetails withFailure(OtaErrorCode code, String words) {
    return new OtaStatusDetails(selfTest, progress, code, words, extras);
  }

  /** A copy with the platform's keys (keys this class owns are ignored). */
  public OtaStatusDetails withExtras(Map<String, String> values) {
    Map<String, String> m = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (!KEYS.contains(k) && v != null) {
        m.put(k, v);
      }
    });
    return new OtaStatusDetails(selfTest, progress, failure, detail, m);
  }

  /** The map to send, in order. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("self_test", selfTest.wire());
    if (progress != null) {
      m.put("progress", progress);
    }
    if (failure != null) {
      m.put("reason", failure.reason());
      m.put("error_code", Integer.toString(failure.code()));
      if (detail != null && !detail.isBlank()) {
        m.put("detail", clean(detail));
      }
    }
    extras.forEach(m::putIfAbsent);
    return Collections.unmodifiableMap(m);
  }

  /** The {@code self_test} of an incoming execution's details, if it carries a known one. */
  public static Optional<SelfTestStatus> selfTestOf(Map<String, String> incoming) {
    return incoming == null ? Optional.empty() : SelfTestStatus.fromWire(incoming.get("self_test"));
  }

  /** The keys of an incoming execution's details that are not OTA's own (the platform's, kept across updates). */
  public static Map<String, String> extrasOf(Map<String, String> incoming) {
    Map<String, String> m = new LinkedHashMap<>();
    if (incoming != null) {
      incoming.forEach((k, v) -> {
        if (!KEYS.contains(k) && !"resumed".equals(k)) {
          m.put(k, v);
        }
      });
    }
    return m;
  }

  private static String clean(String s) {
    String t = s.replaceAll("[\\p{Cntrl}]", " ").strip();
    return t.length() <= MAX_DETAIL ? t : t.substring(0, MAX_DETAIL - 3) + "...";
  }
}
