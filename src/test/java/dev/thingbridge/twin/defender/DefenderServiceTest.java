package dev.thingbridge.twin.defender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.thingbridge.defender.CustomMetric;
import dev.thingbridge.defender.DefenderErrorCode;
import dev.thingbridge.defender.DefenderRejectedException;
import dev.thingbridge.defender.DefenderReporter;
import dev.thingbridge.defender.KeyStyle;
import dev.thingbridge.defender.ListeningPort;
import dev.thingbridge.defender.ListeningPorts;
import dev.thingbridge.defender.MetricsReport;
import dev.thingbridge.defender.MetricsSnapshot;
import dev.thingbridge.defender.NetworkStats;
import dev.thingbridge.defender.ReportAcceptance;
import dev.thingbridge.defender.ReportHeader;
import dev.thingbridge.defender.ReportIds;
import dev.thingbridge.defender.StandardMetrics;
import dev.thingbridge.defender.TcpConnection;
import dev.thingbridge.defender.TcpConnections;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.PayloadFormat;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.SteppedClock;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.TwinLimits;
import dev.thingbridge.twin.http.ControlPlaneServer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iot.IotClient;
import dev.thingbridge.testing.AwsSdkClients;
import software.amazon.awssdk.services.iot.model.MetricDatum;

/** The twin's Defender service with thingbridge's own reporter on the in-process bus. */
class DefenderServiceTest {
  static final Instant START = Instant.parse("2023-11-14T22:13:20Z");
  private final LocalBroker broker = new LocalBroker();
  private final SteppedClock clock = new SteppedClock(START);
  private final MqttClient twinClient = broker.connect("twin");
  private final MqttClient gateway = broker.connect("gw-1");
  private DefenderService defender;
  private Twin twin;
  private DefenderReporter reporter;
  private final ReportIds ids = ReportIds.epochMillis(clock);

  private void start(TwinLimits limits, DefenderSettings settings) throws Exception {
    defender = new DefenderService(settings);
    twin = Twin.builder(twinClient).clock(clock).limits(limits).tickInterval(Duration.ofHours(1)).service(defender)
        .build();
    twin.start().get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() {
    if (reporter != null) {
      reporter.close();
    }
    if (twin != null) {
      twin.close();
    }
    gateway.close();
    twinClient.close();
  }

  private DefenderReporter reporter(PayloadFormat f, KeyStyle keys) {
    reporter = DefenderReporter.builder(gateway).format(f).keyStyle(keys).replyTimeout(Duration.ofSeconds(5))
        .reportIds(ids).build();
    return reporter;
  }

  static StandardMetrics standard() {
    return new StandardMetrics(ListeningPorts.of(List.of(new ListeningPort(22, "eth0"))), ListeningPorts.of(List.of()),
        new NetworkStats(100L, 200L, 3L, 4L),
        TcpConnections.of(List.of(new TcpConnection("10.0.0.9:8883", 50000, "eth0"))));
  }

  static Map<String, CustomMetric> custom() {
    Map<String, CustomMetric> m = new LinkedHashMap<>();
    m.put("temp_c", CustomMetric.number(21));
    m.put("temps", CustomMetric.numberList(List.of(40L, 41.5)));
    m.put("services", CustomMetric.stringList(List.of("ssh")));
    m.put("peers", CustomMetric.ipList(List.of("10.0.0.2", "fd00::2")));
    return m;
  }

  private static DefenderRejectedException rejection(Throwable t) {
    assertThat(t).isInstanceOf(ExecutionException.class).cause().isInstanceOf(DefenderRejectedException.class);
    return (DefenderRejectedException) t.getCause();
  }

  @ParameterizedTest
  @EnumSource(PayloadFormat.class)
  void reports_of_every_kind_are_accepted_in_both_formats_and_name_styles(PayloadFormat f) throws Exception {
    start(TwinLimits.RELAXED, DefenderSettings.DEFAULTS);
    for (KeyStyle keys : KeyStyle.values()) {
      ReportAcceptance a = reporter(f, keys).publish("gw-1", new MetricsSnapshot(standard(), custom()))
          .get(5, TimeUnit.SECONDS);
      assertThat(a.thingName()).isEqualTo("gw-1");
      assertThat(a.timestamp()).isEqualTo(START.toEpochMilli());
      reporter.close();
    }
    List<StoredReport> kept = defender.reports("gw-1");
    assertThat(kept).hasSize(2);
    assertThat(kept.get(1).report().at("/metrics/network_stats/bytes_out").asLong()).isEqualTo(200);
    assertThat(kept.get(1).reportId()).isGreaterThan(kept.get(0).reportId());
    assertThat(kept.get(1).report().get("metrics")).isEqualTo(kept.get(0).report().get("metrics"));
    assertThat(kept.get(1).report().get("custom_metrics")).isEqualTo(kept.get(0).report().get("custom_metrics"));
  }

  @Test
  void a_reused_report_id_is_rejected_and_unknown_rejections_are_typed() throws Exception {
    start(TwinLimits.RELAXED, DefenderSettings.DEFAULTS);
    DefenderReporter r = reporter(PayloadFormat.JSON, KeyStyle.SHORT);
    MetricsReport report = MetricsReport.of(ReportHeader.of(5), custom());
    r.publish("mcu-1", report).get(5, TimeUnit.SECONDS);
    DefenderRejectedException e = rejection(catchThrowable(() -> r.publish("mcu-1", report).get(5, TimeUnit.SECONDS)));
    assertThat(e.code()).isEqualTo(DefenderErrorCode.INVALID_PAYLOAD);
    assertThat(e.rejection().message()).contains("already used");
    assertThat(e.rejection().reportId()).isEqualTo(5);
    r.publish("mcu-2", report).get(5, TimeUnit.SECONDS); // ids are per thing
  }

  @Test
  void with_aws_limits_a_second_report_within_five_minutes_is_throttled() throws Exception {
    start(TwinLimits.AWS, DefenderSettings.DEFAULTS);
    DefenderReporter r = reporter(PayloadFormat.CBOR, KeyStyle.SHORT);
    r.publish("gw-1", new MetricsSnapshot(null, custom())).get(5, TimeUnit.SECONDS);
    clock.advance(Duration.ofMinutes(4));
    DefenderRejectedException e = rejection(catchThrowable(() -> r.publish("gw-1",
        new MetricsSnapshot(null, custom())).get(5, TimeUnit.SECONDS)));
    assertThat(e.code()).isEqualTo(DefenderErrorCode.THROTTLED);
    clock.advance(Duration.ofMinutes(1));
    r.publish("gw-1", new MetricsSnapshot(null, custom())).get(5, TimeUnit.SECONDS);
  }

  @Test
  void raw_payloads_get_the_documented_codes() throws Exception {
    start(TwinLimits.RELAXED, DefenderSettings.DEFAULTS);
    try (Subscription s = gateway.subscribe("$aws/things/raw-1/defender/metrics/json/+", QoS.AT_LEAST_ONCE)
        .get(5, TimeUnit.SECONDS)) {
      for (String[] c : new String[][] {{"garbage", "Malformed"}, {"{\"cmet\":{\"a\":[{\"number\":1}]}}", "MissingHeader"},
          {"{\"hed\":{\"rid\":1,\"v\":\"1.0\"},\"cmet\":{\"a\":{\"number\":1}}}", "InvalidPayload"}}) {
        gateway.publish("$aws/things/raw-1/defender/metrics/json", c[0].getBytes(), QoS.AT_LEAST_ONCE, false)
            .get(5, TimeUnit.SECONDS);
        MqttMessage m = s.next(Duration.ofSeconds(5));
        assertThat(m.topic()).endsWith("/rejected");
        var body = PayloadFormat.JSON.readTree(m.payload());
        assertThat(body.get("status").asText()).isEqualTo("REJECTED");
        assertThat(body.at("/statusDetails/ErrorCode").asText()).isEqualTo(c[1]);
        assertThat(body.get("thingName").asText()).isEqualTo("raw-1");
      }
    }
  }

  @Test
  void list_metric_values_answers_the_aws_sdk() throws Exception {
    start(TwinLimits.RELAXED, new DefenderSettings(null, 2));
    DefenderReporter r = reporter(PayloadFormat.JSON, KeyStyle.LONG);
    for (int i = 0; i < 3; i++) {
      r.publish("gw-1", new MetricsSnapshot(standard(), Map.of("temp_c", CustomMetric.number(20 + i))))
          .get(5, TimeUnit.SECONDS);
      clock.advance(Duration.ofMinutes(1));
    }
    try (ControlPlaneServer http = ControlPlaneServer.startOnLoopback(0, twin.routes());
        IotClient iot = AwsSdkClients.iot(http.endpoint())) {
      List<MetricDatum> temps = iot.listMetricValues(b -> b.thingName("gw-1").metricName("temp_c")
          .startTime(START).endTime(START.plus(Duration.ofHours(1)))).metricDatumList();
      assertThat(temps).extracting(d -> d.value().number()).containsExactly(21.0, 22.0); // two kept
      assertThat(temps.get(0).timestamp()).isEqualTo(START.plus(Duration.ofMinutes(1)));
      assertThat(iot.listMetricValues(b -> b.thingName("gw-1").metricName("aws:all-bytes-out").startTime(START)
          .endTime(START.plus(Duration.ofHours(1)))).metricDatumList().get(0).value().count()).isEqualTo(200);
      assertThat(iot.listMetricValues(b -> b.thingName("gw-1").metricName("aws:listening-tcp-ports").startTime(START)
          .endTime(START.plus(Duration.ofHours(1)))).metricDatumList().get(0).value().ports()).containsExactly(22);
      assertThat(iot.listMetricValues(b -> b.thingName("gw-1").metricName("aws:destination-ip-addresses")
          .startTime(START).endTime(START.plus(Duration.ofHours(1)))).metricDatumList().get(0).value().cidrs())
          .containsExactly("10.0.0.9/32");
      assertThat(iot.listMetricValues(b -> b.thingName("gw-1").metricName("temp_c")
          .startTime(START.plus(Duration.ofMinutes(2))).endTime(START.plus(Duration.ofHours(1)))).metricDatumList())
          .hasSize(1);
    }
  }
}
