package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.thingbridge.defender.DefenderRejectedException;
import dev.thingbridge.defender.DefenderReporter;
import dev.thingbridge.defender.MetricsSnapshot;
import dev.thingbridge.defender.ReportAcceptance;
import dev.thingbridge.mqtt.MqttClient;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code defender report}: one metrics report, waiting for accepted or rejected. */
@Command(name = "report",
    description = {"Publish one Device Defender metrics report for the thing and wait for the answer: prints",
        "{\"thingName\",\"reportId\",\"status\":\"ACCEPTED\"}; a rejection prints its code and exits 1."})
final class DefenderReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ThingOption thing;
  @Mixin ConnectionOptions connection;
  @Mixin DefenderMetricsOptions metrics;
  @Mixin OutputOptions output;

  @Override
  public Integer call() throws Exception {
    Supplier<MetricsSnapshot> source = metrics.source();
    try (MqttClient mqtt = connection.connect(); DefenderReporter reporter = metrics.reporter(mqtt, thing.name(), null, null)) {
      ReportAcceptance a;
      try {
        a = JobsCommand.await(reporter.publish(thing.name(), source.get()));
      } catch (DefenderRejectedException r) {
        output.event(DefenderMetricsOptions.rejection(r));
        throw r;
      }
      output.event(JsonNodeFactory.instance.objectNode().put("thingName", thing.name())
          .put("reportId", a.reportId()).put("status", "ACCEPTED"));
    }
    return ExitCodes.OK;
  }
}
