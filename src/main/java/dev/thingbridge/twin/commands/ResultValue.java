package dev.thingbridge.twin.commands;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * One value of an execution's {@code result} map: exactly one of a string ({@code s}), a boolean ({@code b}) or
 * bytes ({@code bin}). Devices spell the keys in lower case over MQTT; the control plane answers {@code S},
 * {@code B}, {@code BIN} (bytes as base64).
 */
public final class ResultValue {
  private final String s;
  private final Boolean b;
  private final byte[] bin;

  private ResultValue(String s, Boolean b, byte[] bin) {
    this.s = s;
    this.b = b;
    this.bin = bin;
  }

  /** A string value. */
  public static ResultValue ofString(String value) {
    return new ResultValue(Objects.requireNonNull(value), null, null);
  }

  /** A boolean value. */
  public static ResultValue ofBoolean(boolean value) {
    return new ResultValue(null, value, null);
  }

  /** A binary value (copied). */
  public static ResultValue ofBinary(byte[] value) {
    return new ResultValue(null, null, value.clone());
  }

  /** The string, or null if this is not a string value. */
  public String s() {
    return s;
  }

  /** The boolean, or null if this is not a boolean value. */
  public Boolean b() {
    return b;
  }

  /** A copy of the bytes, or null if this is not a binary value. */
  public byte[] bin() {
    return bin == null ? null : bin.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResultValue r && Objects.equals(s, r.s) && Objects.equals(b, r.b)
        && Arrays.equals(bin, r.bin);
  }

  @Override
  public int hashCode() {
    return Objects.hash(s, b, Arrays.hashCode(bin));
  }

  @Override
  public String toString() {
    if (s != null) {
      return "{s=" + s + "}";
    }
    if (b != null) {
      return "{b=" + b + "}";
    }
    return "{bin=" + Base64.getEncoder().encodeToString(bin) + "}";
  }
}
