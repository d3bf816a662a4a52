package dev.thingbridge.commands;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * One typed value of an execution's {@code result} map: {@code {"s": string}}, {@code {"b": boolean}} or
 * {@code {"bin": bytes}} (a CBOR byte string in CBOR, base64 text in JSON).
 */
public sealed interface CommandResultValue {
  static CommandResultValue of(String s) {
    return new Str(s);
  }

  static CommandResultValue of(boolean b) {
    return new Bool(b);
  }

  static CommandResultValue of(byte[] bin) {
    return new Bin(bin);
  }

  /** A string result. */
  record Str(String value) implements CommandResultValue {
    public Str {
      Objects.requireNonNull(value, "value");
    }
  }

  /** A boolean result. */
  record Bool(boolean value) implements CommandResultValue {}

  /** A binary result. */
  record Bin(byte[] value) implements CommandResultValue {
    public Bin {
      value = Objects.requireNonNull(value, "value").clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bin b && Arrays.equals(value, b.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Bin[" + Base64.getEncoder().encodeToString(value) + "]";
    }
  }
}
