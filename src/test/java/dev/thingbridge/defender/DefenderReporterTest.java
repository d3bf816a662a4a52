package dev.thingbridge.defender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.PayloadFormat;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.DefenderCloud;
import dev.thingbridge.testing.LateSubscribeAcks;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DefenderReporterTest {
  private final LocalBroker broker = new LocalBroker();
  private final MqttClient gateway = broker.connect("gw-1");
  private final MqttClient cloud = broker.connect("cloud");
  private DefenderCloud defender;
  private BlockingQueue<MqttMessage> reports;
  private DefenderReporter reporter;

  @BeforeEach
  void cloud() throws Exception {
    defender = DefenderCloud.start(cloud, "x", "because");
    reports = defender.reports();
  }

  @AfterEach
  void close() {
    if (reporter != null) {
      reporter.close();
    }
    gateway.close();
    cloud.close();
  }

  private DefenderReporter.Builder builder() {
    return DefenderReporter.builder(gateway).replyTimeout(Duration.ofSeconds(3));
  }

  private static MetricsReport report(long id) {
    return MetricsReport.of(ReportHeader.of(id), Map.of("temp_c", CustomMetric.number(21)));
  }

  @Test
  void a_report_goes_to_the_thing_topic_in_the_chosen_format_and_the_acceptance_comes_back() throws Exception {
    reporter = builder().format(PayloadFormat.CBOR).keyStyle(KeyStyle.LONG).build();
    ReportAcceptance a = reporter.publish(report(42)).get(5, TimeUnit.SECONDS);
    assertThat(a.thingName()).isEqualTo("x");
    MqttMessage sent = reports.poll(1, TimeUnit.SECONDS);
    assertThat(sent.topic()).isEqualTo("$aws/things/gw-1/defender/metrics/cbor");
    assertThat(sent.qos()).isEqualTo(QoS.AT_LEAST_ONCE);
    assertThat(sent.properties().contentType()).contains("application/cbor");
    JsonNode n = PayloadFormat.CBOR.readTree(sent.payload());
    assertThat(n.at("/header/report_id").asLong()).isEqualTo(42);
    assertThat(n.has("metrics")).isFalse();
  }

  @Test
  void rejection_codes_are_typed_and_unknown_codes_kept_as_text() throws Exception {
    reporter = builder().build();
    for (DefenderErrorCode code : DefenderErrorCode.values()) {
      String wire = code.wire() == null ? "SomethingNew" : code.wire();
      defender.answer(m -> wire);
      Throwable e = catchThrowable(() -> reporter.publish(report(1)).get(5, TimeUnit.SECONDS));
      assertThat(e).isInstanceOf(ExecutionException.class).cause().isInstanceOf(DefenderRejectedException.class);
      DefenderRejectedException r = (DefenderRejectedException) e.getCause();
      assertThat(r.code()).isEqualTo(code);
      assertThat(r.rejection().rawCode()).isEqualTo(wire);
      assertThat(r.rejection().message()).isEqualTo("because");
      assertThat(r.getMessage()).contains(wire);
    }
  }

  @Test
  void no_answer_times_out() {
    defender.answer(m -> null);
    reporter = builder().replyTimeout(Duration.ofMillis(200)).build();
    Throwable e = catchThrowable(() -> reporter.publish(report(1)).get(5, TimeUnit.SECONDS));
    assertThat(e.getCause()).isInstanceOf(MqttTimeoutException.class);
  }

  @Test
  void reports_for_attached_mcus_go_out_on_their_own_topics_over_the_same_connection() throws Exception {
    reporter = builder().build();
    CompletableFuture<ReportAcceptance> a = reporter.publish("mcu-1", new MetricsSnapshot(null,
        Map.of("rpm", CustomMetric.number(3000))));
    CompletableFuture<ReportAcceptance> b = reporter.publish("mcu-2", report(5));
    a.get(5, TimeUnit.SECONDS);
    b.get(5, TimeUnit.SECONDS);
    List<String> topics = List.of(reports.poll(1, TimeUnit.SECONDS).topic(), reports.poll(1, TimeUnit.SECONDS).topic());
    assertThat(topics).containsExactlyInAnyOrder("$aws/things/mcu-1/defender/metrics/json",
        "$aws/things/mcu-2/defender/metrics/json");
    assertThat(catchThrowable(() -> reporter.publish("bad/name", report(1)))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void the_schedule_keeps_reporting_with_increasing_ids_through_rejections_and_collection_errors() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    List<Long> ids = new CopyOnWriteArrayList<>();
    defender.answer(m -> PayloadFormat.JSON.readTree(m.payload()).at("/cmet/n/0/number").asInt() == 2
        ? "Throttled" : DefenderCloud.ACCEPT);
    reporter = builder().interval(Duration.ofMillis(50)).jitter(0).listener(new DefenderListener() {
      @Override
      public void onAccepted(String thing, MetricsReport report, ReportAcceptance acceptance) {
        events.add("accepted");
        ids.add(report.header().reportId());
      }

      @Override
      public void onRejected(String thing, MetricsReport report, DefenderRejectedException rejection) {
        events.add("rejected:" + rejection.code());
        ids.add(report.header().reportId());
      }

      @Override
      public void onFailed(String thing, Throwable error) {
        events.add("failed:" + error.getMessage());
      }
    }).build();
    int[] n = {0};
    reporter.schedule("mcu-7", () -> {
      n[0]++;
      if (n[0] == 3) {
        throw new IllegalStateException("sensor gone");
      }
      return new MetricsSnapshot(null, Map.of("n", CustomMetric.number(n[0])));
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 5);
    assertThat(events.subList(0, 4)).containsExactly("accepted", "rejected:THROTTLED", "failed:sensor gone", "accepted");
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    assertThat(reports.stream().map(MqttMessage::topic).distinct())
        .containsExactly("$aws/things/mcu-7/defender/metrics/json");
  }

  @Test
  void each_report_waits_until_its_reply_subscriptions_are_acknowledged() throws Exception {
    LateSubscribeAcks slowLink = new LateSubscribeAcks(broker.connect("gw-slow"), Duration.ofMillis(150));
    try (DefenderReporter slow = DefenderReporter.builder(slowLink).replyTimeout(Duration.ofSeconds(3)).build()) {
      CompletableFuture<ReportAcceptance> own = slow.publish(report(1));
      CompletableFuture<ReportAcceptance> mcu = slow.publish("mcu-3", report(2));
      own.get(5, TimeUnit.SECONDS);
      mcu.get(5, TimeUnit.SECONDS);
      assertThat(slow.publish(report(3)).get(5, TimeUnit.SECONDS)).isNotNull(); // subscriptions kept: no new wait
    } finally {
      slowLink.close();
    }
    assertThat(slowLink.publishes()).isEqualTo(3);
    assertThat(slowLink.publishesBeforeTheirReplySubscriptions()).as(slowLink.events().toString()).isEmpty();
  }

  @Test
  void the_schedule_defaults_to_300_seconds_spread_by_ten_percent() {
    assertThat(DefenderReporter.DEFAULT_INTERVAL).isEqualTo(Duration.ofSeconds(300));
    assertThat(DefenderReporter.DEFAULT_JITTER).isEqualTo(0.1);
    Duration every = DefenderReporter.DEFAULT_INTERVAL;
    double jitter = DefenderReporter.DEFAULT_JITTER;
    assertThat(DefenderReporter.nextDelayMillis(every, jitter, 0.0)).isEqualTo(270_000);
    assertThat(DefenderReporter.nextDelayMillis(every, jitter, 0.5)).isEqualTo(300_000);
    assertThat(DefenderReporter.nextDelayMillis(every, jitter, 0.999_999)).isBetween(329_999L, 330_000L);
    assertThat(DefenderReporter.nextDelayMillis(every, 0, 0.9)).isEqualTo(300_000);
    assertThat(DefenderReporter.firstDelayMillis(every, jitter, 0.0)).isZero();
    assertThat(DefenderReporter.firstDelayMillis(every, jitter, 0.999_999)).isBetween(29_999L, 30_000L);
  }

  @Test
  void the_jitter_moves_scheduled_reports() throws Exception {
    // With the randomness pinned high, a 200 ms interval spread by 50 % waits ~100 ms for the first report and
    // ~300 ms between reports, so three reports take at least ~700 ms (400 ms without the jitter).
    List<Long> at = new CopyOnWriteArrayList<>();
    long start = System.nanoTime();
    reporter = builder().interval(Duration.ofMillis(200)).jitter(0.5).uniform(() -> 0.999).listener(
        new DefenderListener() {
          @Override
          public void onAccepted(String thing, MetricsReport report, ReportAcceptance acceptance) {
            at.add(System.nanoTime());
          }
        }).build();
    reporter.schedule("gw-1", () -> new MetricsSnapshot(null, Map.of("n", CustomMetric.number(1))));
    await().atMost(Duration.ofSeconds(10)).until(() -> at.size() >= 3);
    assertThat(Duration.ofNanos(at.get(2) - start)).isGreaterThanOrEqualTo(Duration.ofMillis(690));
    assertThat(Duration.ofNanos(at.get(1) - at.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(295));
  }
}
