package dev.thingbridge.defender;

import dev.thingbridge.internal.IpLiterals;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The value of a custom metric (https://docs.aws.amazon.com/iot-device-defender/latest/devguide/dd-detect-custom-metrics.html),
 * one of the four types AWS defines. On the wire each is wrapped in a one-element array: {@code
 * "temp_c":[{"number":21}]}.
 */
public sealed interface CustomMetric {
  /** Custom metric names: 1-128 of {@code [a-zA-Z0-9:_-]}, not starting with {@code aws:}. */
  Pattern NAME = Pattern.compile("[a-zA-Z0-9:_-]{1,128}");

  /**
   * Checks a metric name.
   *
   * @throws IllegalArgumentException if it breaks AWS's rule
   */
  static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches() || name.startsWith("aws:")) {
      throw new IllegalArgumentException("a custom metric name is 1-128 characters of [a-zA-Z0-9:_-] and does "
          + "not start with 'aws:': " + (name == null ? "null" : "'" + name + "'"));
    }
    return name;
  }

  /** A {@code number}: integral values go out as integers. */
  static CustomMetric number(long value) {
    return new Number(value);
  }

  /** A {@code number} with a fraction. */
  static CustomMetric number(double value) {
    return new Number(value);
  }

  /** A {@code number_list}. */
  static CustomMetric numberList(List<? extends java.lang.Number> values) {
    return new NumberList(List.copyOf(values));
  }

  /** A {@code string_list}. */
  static CustomMetric stringList(List<String> values) {
    return new StringList(values);
  }

  /** An {@code ip_list} of IPv4 or IPv6 address literals. */
  static CustomMetric ipList(List<String> values) {
    return new IpList(values);
  }

  /** The wire name of the type: {@code number}, {@code number_list}, {@code string_list}, {@code ip_list}. */
  String type();

  /** {@code {"number": n}}; a long or a finite double. */
  record Number(java.lang.Number value) implements CustomMetric {
    public Number {
      Objects.requireNonNull(value, "value");
      if (!(value instanceof Long || value instanceof Integer)
          && !(value instanceof Double d && Double.isFinite(d))) {
        throw new IllegalArgumentException("a number metric is a long or a finite double: " + value);
      }
    }

    @Override
    public String type() {
      return "number";
    }
  }

  /** {@code {"number_list": [...]}}. */
  record NumberList(List<java.lang.Number> values) implements CustomMetric {
    public NumberList {
      values = List.copyOf(values);
      values.forEach(Number::new);
    }

    @Override
    public String type() {
      return "number_list";
    }
  }

  /** {@code {"string_list": [...]}}. */
  record StringList(List<String> values) implements CustomMetric {
    public StringList {
      values = List.copyOf(values);
    }

    @Override
    public String type() {
      return "string_list";
    }
  }

  /** {@code {"ip_list": [...]}}. */
  record IpList(List<String> values) implements CustomMetric {
    public IpList {
      values = List.copyOf(values);
      for (String v : values) {
        if (!IpLiterals.isIp(v)) {
          throw new IllegalArgumentException("not an IPv4 or IPv6 address: " + v);
        }
      }
    }

    @Override
    public String type() {
      return "ip_list";
    }
  }
}
