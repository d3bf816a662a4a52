package dev.thingbridge.twin.ota;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pre-signed URLs in S3's query form ({@code X-Amz-Date}, {@code X-Amz-Expires}, {@code X-Amz-Security-Token},
 * {@code X-Amz-Signature}), signed with an HMAC-SHA256 key of the server's own: a URL is good for its path until
 * its expiry, or until {@link #expireAll} (the token names the generation it was signed in).
 */
final class UrlSigner {
  /** Why a URL is refused. */
  public enum Verdict { OK, EXPIRED, BAD_SIGNATURE }

  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final byte[] key;
  private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong(1);

  public UrlSigner(byte[] key) {
    this.key = key.clone();
  }

  /** The key (a secret: for the twin's store only). */
  public byte[] key() {
    return key.clone();
  }

  /** A signer with a random key. */
  public static UrlSigner random() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return new UrlSigner(k);
  }

  /** The query string of a URL for {@code path}, signed at {@code now}, good for {@code expiresSeconds}. */
  public String query(String path, Instant now, long expiresSeconds) {
    String date = AMZ_DATE.format(now);
    String token = "g" + generation.get();
    return "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=" + date + "&X-Amz-Expires=" + expiresSeconds
        + "&X-Amz-Security-Token=" + token + "&X-Amz-SignedHeaders=host&X-Amz-Signature="
        + sign(path, date, expiresSeconds, token);
  }

  /** Checks the query of a request for {@code path} at {@code now}. */
  public Verdict check(String path, Map<String, String> query, Instant now) {
    String date = query.get("X-Amz-Date");
    String expires = query.get("X-Amz-Expires");
    String signature = query.get("X-Amz-Signature");
    String token = query.get("X-Amz-Security-Token");
    if (date == null || expires == null || signature == null || token == null || !expires.matches("\\d{1,7}")) {
      return Verdict.BAD_SIGNATURE;
    }
    byte[] expected = sign(path, date, Long.parseLong(expires), token).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII))) {
      return Verdict.BAD_SIGNATURE;
    }
    Instant signed;
    try {
      signed = Instant.from(AMZ_DATE.parse(date));
    } catch (DateTimeParseException e) {
      return Verdict.BAD_SIGNATURE;
    }
    if (now.isAfter(signed.plusSeconds(Long.parseLong(expires))) || !token.equals("g" + generation.get())) {
      return Verdict.EXPIRED;
    }
    return Verdict.OK;
  }

  /** Expires every URL signed so far (a test knob: the next fetch of the job gets a new one). */
  public void expireAll() {
    generation.incrementAndGet();
  }

  private String sign(String path, String date, long expires, String token) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] sig = mac.doFinal(("GET\n" + path + "\n" + date + "\n" + expires + "\n" + token).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sig);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
