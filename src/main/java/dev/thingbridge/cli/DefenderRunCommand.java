package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.thingbridge.defender.DefenderListener;
import dev.thingbridge.defender.DefenderRejectedException;
import dev.thingbridge.defender.DefenderReporter;
import dev.thingbridge.defender.MetricsReport;
import dev.thingbridge.defender.MetricsSnapshot;
import dev.thingbridge.defender.ReportAcceptance;
import dev.thingbridge.mqtt.MqttClient;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code defender run}: reports on a schedule until stopped, one JSON line per outcome. */
@Command(name = "run",
    description = {"Report the thing's metrics every --interval (spread by ±10 %%, the first within a tenth of it)",
        "until Ctrl-C, SIGTERM, --duration or --count; prints one JSON line per report:",
        "{\"event\":\"accepted\"|\"rejected\"|\"failed\",...}. AWS may throttle reports closer than 5 minutes."})
final class DefenderRunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ThingOption thing;
  @Mixin DeviceConnectionOptions connection;
  @Mixin DefenderMetricsOptions metrics;
  @Mixin OutputOptions output;

  @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "300", converter = DurationConverter.class,
      description = "Time between reports (default: ${DEFAULT-VALUE} s, AWS's minimum).")
  Duration interval;

  @Option(names = {"-C", "--count"}, paramLabel = "N", description = "Stop after N reports.")
  Integer count;

  @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Stop by itself after this long (default: until Ctrl-C or SIGTERM).")
  Duration duration;

  @Override
  public Integer call() throws Exception {
    if (count != null && count < 1) {
      throw new UsageException("--count must be at least 1: " + count);
    }
    Supplier<MetricsSnapshot> source = metrics.source();
    ThingBridgeCommand root = ThingBridgeCommand.of(spec);
    try (StopSignal stop = root.exit().stopSignal(TwinCommand.STOP_BUDGET);
        MqttClient mqtt = connection.connect(thing.name(), stop);
        DefenderReporter reporter = metrics.reporter(mqtt, thing.name(), interval, listener(stop))) {
      reporter.schedule(thing.name(), source::get);
      stop.await(duration);
    }
    return ExitCodes.OK;
  }

  /** Prints each outcome; stops {@code stop} after {@code --count} of them. */
  private DefenderListener listener(StopSignal stop) {
    AtomicInteger reports = new AtomicInteger();
    Runnable counted = () -> {
      if (count != null && reports.incrementAndGet() >= count) {
        stop.stopNow();
      }
    };
    return new DefenderListener() {
      @Override
      public void onAccepted(String thingName, MetricsReport report, ReportAcceptance acceptance) {
        output.event(JsonNodeFactory.instance.objectNode().put("event", "accepted").put("thingName", thingName)
            .put("reportId", report.header().reportId()));
        counted.run();
      }

      @Override
      public void onRejected(String thingName, MetricsReport report, DefenderRejectedException rejection) {
        output.event(DefenderMetricsOptions.rejection(rejection).put("event", "rejected"));
        counted.run();
      }

      @Override
      public void onFailed(String thingName, Throwable error) {
        output.event(JsonNodeFactory.instance.objectNode().put("event", "failed").put("thingName", thingName)
            .put("error", ExitCodes.message(error)));
        counted.run();
      }
    };
  }
}
