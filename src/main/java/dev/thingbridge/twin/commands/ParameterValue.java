package dev.thingbridge.twin.commands;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * One value of StartCommandExecution's {@code parameters} map (and of a mandatory parameter's {@code value} or
 * {@code defaultValue}): exactly one of {@code S} (string), {@code B} (boolean), {@code I} (int), {@code L}
 * (long), {@code D} (double), {@code BIN} (bytes) or {@code UL} (unsigned long, as a decimal string).
 *
 * @param type which of the seven the value is
 * @param value a String, Boolean, Integer, Long, Double, byte[] or String (UL) by type
 */
public record ParameterValue(Type type, Object value) {
  /** The seven kinds of parameter value, by their wire key. */
  public enum Type {
    S, B, I, L, D, BIN, UL
  }

  private static final BigInteger MAX_UNSIGNED_LONG = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  public ParameterValue {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
    boolean ok = switch (type) {
      case S -> value instanceof String str && !str.isEmpty();
      case B -> value instanceof Boolean;
      case I -> value instanceof Integer;
      case L -> value instanceof Long;
      case D -> value instanceof Double d && Double.isFinite(d);
      case BIN -> value instanceof byte[] bytes && bytes.length > 0;
      case UL -> value instanceof String str && isUnsignedLong(str);
    };
    if (!ok) {
      throw new IllegalArgumentException("not a valid " + type + " parameter value: " + value);
    }
    if (value instanceof byte[] bytes) {
      value = bytes.clone();
    }
  }

  /** Whether {@code text} is a decimal unsigned 64-bit integer. */
  public static boolean isUnsignedLong(String text) {
    if (text.isEmpty() || text.length() > 20 || !text.chars().allMatch(Character::isDigit)) {
      return false;
    }
    return new BigInteger(text).compareTo(MAX_UNSIGNED_LONG) <= 0;
  }

  @Override
  public Object value() {
    return value instanceof byte[] bytes ? bytes.clone() : value;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ParameterValue p) || p.type != type) {
      return false;
    }
    return value instanceof byte[] a ? Arrays.equals(a, (byte[]) p.value) : value.equals(p.value);
  }

  @Override
  public int hashCode() {
    return value instanceof byte[] a ? Arrays.hashCode(a) : Objects.hash(type, value);
  }

  @Override
  public String toString() {
    return "{" + type + "=" + (value instanceof byte[] a ? Base64.getEncoder().encodeToString(a) : value) + "}";
  }
}
