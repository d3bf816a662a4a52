package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.defender.CustomMetric;
import dev.thingbridge.defender.DefenderListener;
import dev.thingbridge.defender.DefenderRejectedException;
import dev.thingbridge.defender.DefenderReporter;
import dev.thingbridge.defender.LinuxNetworkMetrics;
import dev.thingbridge.defender.MetricsSnapshot;
import dev.thingbridge.defender.ReportIds;
import dev.thingbridge.mqtt.MqttClient;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * What a Defender report holds and how it goes out, shared by {@code defender report} and {@code defender
 * run}: a picocli mixin.
 */
public final class DefenderMetricsOptions {
  @Option(names = "--custom", paramLabel = "NAME=VALUE", converter = CustomConverter.class,
      description = {"A custom metric (repeat for more), typed: NAME=number:5, NAME=number-list:1,2,",
          "NAME=string-list:a,b or NAME=ip-list:10.0.0.1,10.0.0.2. Names: 1-128 of a-z, A-Z, 0-9, ':', '_', '-',",
          "not starting with aws:."})
  List<Custom> custom = new ArrayList<>();

  @Option(names = "--standard",
      description = "Add the standard metrics from Linux's /proc/net: listening TCP and UDP ports, established TCP "
          + "connections, network traffic since the previous report (loopback left out).")
  boolean standard;

  @Option(names = "--format", defaultValue = "json", paramLabel = "FORMAT",
      description = "Payload format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  FormatOption format;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Keep the last report id per thing here, so ids keep increasing even if the clock is set back "
          + "(default: ids from the clock alone).")
  Path stateDir;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10", converter = DurationConverter.class,
      description = "How long to wait for accepted or rejected (default: ${DEFAULT-VALUE} s).")
  Duration timeout;

  /** One {@code --custom}. */
  record Custom(String name, CustomMetric value) {}

  /** The metrics source these flags describe; checked (and the Linux reader started) before connecting. */
  java.util.function.Supplier<MetricsSnapshot> source() {
    if (!standard && custom.isEmpty()) {
      throw new UsageException("a report needs --standard, --custom or both");
    }
    Map<String, CustomMetric> metrics = new LinkedHashMap<>();
    for (Custom c : custom) {
      if (metrics.put(c.name(), c.value()) != null) {
        throw new UsageException("--custom " + c.name() + " is given twice");
      }
    }
    LinuxNetworkMetrics linux;
    try {
      linux = standard ? new LinuxNetworkMetrics() : null;
    } catch (UncheckedIOException e) {
      throw new UsageException("--standard reads Linux's /proc/net, which is not readable here: " + e.getMessage(), e);
    }
    return () -> new MetricsSnapshot(linux == null ? null : linux.collect(), metrics);
  }

  /** A reporter for {@code thing} on {@code mqtt} with these flags (a schedule's interval and listener, or null). */
  DefenderReporter reporter(MqttClient mqtt, String thing, Duration interval, DefenderListener listener) {
    ReportIds ids = stateDir == null ? ReportIds.epochMillis(Clock.systemUTC())
        : ReportIds.persistent(StateDirs.check("--state-dir", stateDir).resolve("defender-report-ids.json"),
            Clock.systemUTC());
    DefenderReporter.Builder b = DefenderReporter.builder(mqtt).thing(thing).format(format.payloadFormat())
        .replyTimeout(timeout).reportIds(ids);
    if (interval != null) {
      b.interval(interval).listener(listener);
    }
    return b.build();
  }

  /** The JSON line of a rejection. */
  static ObjectNode rejection(DefenderRejectedException r) {
    ObjectNode n = JsonNodeFactory.instance.objectNode().put("thingName", r.thingName()).put("reportId", r.reportId())
        .put("status", "REJECTED").put("code", r.rejection().rawCode());
    if (r.rejection().message() != null) {
      n.put("message", r.rejection().message());
    }
    return n;
  }

  /** Reads {@code NAME=KIND:VALUES}. */
  static final class CustomConverter implements CommandLine.ITypeConverter<Custom> {
    @Override
    public Custom convert(String value) {
      int eq = value.indexOf('=');
      int colon = value.indexOf(':', eq + 1);
      if (eq <= 0 || colon < 0) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not NAME=KIND:VALUES (KIND: number, "
            + "number-list, string-list or ip-list)");
      }
      String name = value.substring(0, eq);
      String kind = value.substring(eq + 1, colon).toLowerCase(Locale.ROOT);
      String rest = value.substring(colon + 1);
      try {
        CustomMetric.checkName(name);
        CustomMetric metric = switch (kind) {
          case "number" -> number(rest);
          case "number-list" -> CustomMetric.numberList(rest.isEmpty() ? List.of()
              : Arrays.stream(rest.split(",", -1)).map(s -> (Number) numberValue(s)).toList());
          case "string-list" -> CustomMetric.stringList(rest.isEmpty() ? List.of() : List.of(rest.split(",", -1)));
          case "ip-list" -> CustomMetric.ipList(rest.isEmpty() ? List.of()
              : Arrays.stream(rest.split(",", -1)).map(String::strip).toList());
          default -> throw new IllegalArgumentException("'" + kind + "' is not number, number-list, string-list or "
              + "ip-list");
        };
        return new Custom(name, metric);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("'" + value + "': " + e.getMessage());
      }
    }

    private static CustomMetric number(String s) {
      Number n = numberValue(s);
      return n instanceof Long l ? CustomMetric.number(l) : CustomMetric.number(n.doubleValue());
    }

    private static Number numberValue(String s) {
      try {
        BigDecimal d = new BigDecimal(s.strip());
        try {
          return d.longValueExact();
        } catch (ArithmeticException fraction) {
          return d.doubleValue();
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + s + "' is not a number");
      }
    }
  }
}
