package dev.thingbridge.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.jobs.model.JobExecutionStatus;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.transfer.internal.BlockLedger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OTA-T5..T8: status strings, statusDetails, block validation and the progress cadence. */
class OtaStatusTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String json(OtaStatusDetails d) throws Exception {
    return JSON.writeValueAsString(d.toMap());
  }

  @Test
  void every_self_test_status_serializes_and_parses_back() throws Exception {
    for (String s : new String[] {"receiving", "ready", "active", "accepted", "rejected", "aborted"}) {
      SelfTestStatus status = SelfTestStatus.fromWire(s).orElseThrow();
      assertThat(json(OtaStatusDetails.of(status))).isEqualTo("{\"self_test\":\"" + s + "\"}");
      assertThat(OtaStatusDetails.selfTestOf(Map.of("self_test", s))).contains(status);
    }
    assertThat(SelfTestStatus.READY.isSelfTest()).isTrue();
    assertThat(SelfTestStatus.ACTIVE.isSelfTest()).isTrue();
    assertThat(SelfTestStatus.RECEIVING.isSelfTest()).isFalse();
    assertThat(OtaStatusDetails.of(SelfTestStatus.ACCEPTED).failure()).isNull();
    assertThat(OtaStatusDetails.of(SelfTestStatus.REJECTED).withFailure(OtaErrorCode.SIG_CHECK_FAILED, "x").failure())
        .isEqualTo(OtaErrorCode.SIG_CHECK_FAILED);
  }

  @Test
  void status_details_keep_rustots_order_with_the_code_as_a_string() throws Exception {
    assertThat(json(OtaStatusDetails.of(SelfTestStatus.RECEIVING).withProgress(10, 100)))
        .isEqualTo("{\"self_test\":\"receiving\",\"progress\":\"10/100\"}");
    assertThat(json(OtaStatusDetails.of(SelfTestStatus.REJECTED).withFailure(OtaErrorCode.SIG_CHECK_FAILED, null)))
        .isEqualTo("{\"self_test\":\"rejected\",\"reason\":\"sig_check_failed\",\"error_code\":\"1001\"}");
    assertThat(json(OtaStatusDetails.of(SelfTestStatus.ACTIVE).withExtras(Map.of("device_temp", "42"))))
        .isEqualTo("{\"self_test\":\"active\",\"device_temp\":\"42\"}");
    assertThat(json(OtaStatusDetails.of(SelfTestStatus.ACTIVE).withExtras(Map.of()))).isEqualTo("{\"self_test\":\"active\"}");
    assertThat(json(OtaStatusDetails.of(SelfTestStatus.ABORTED).withProgress(3, 9)
        .withFailure(OtaErrorCode.MOMENTUM_ABORT, "no block\nfor 20 s")))
        .isEqualTo("{\"self_test\":\"aborted\",\"progress\":\"3/9\",\"reason\":\"momentum_abort\","
            + "\"error_code\":\"2003\",\"detail\":\"no block for 20 s\"}");
  }

  @Test
  void the_platform_cannot_overwrite_otas_own_keys_and_incoming_extras_are_told_apart() {
    assertThat(OtaStatusDetails.of(SelfTestStatus.READY).withExtras(Map.of("self_test", "accepted", "v", "1")).toMap())
        .containsEntry("self_test", "ready").containsEntry("v", "1");
    assertThat(OtaStatusDetails.extrasOf(Map.of("self_test", "ready", "progress", "1/2", "fw", "1.2", "resumed", "true")))
        .containsOnlyKeys("fw");
  }

  @Test
  void every_error_code_keeps_rustots_number_and_reason() {
    assertThat(OtaErrorCode.SIG_CHECK_FAILED.code()).isEqualTo(1001);
    assertThat(OtaErrorCode.FILE_WRITE_FAILED.reason()).isEqualTo("file_write_failed");
    assertThat(OtaErrorCode.OTHER.code()).isEqualTo(1099);
    assertThat(OtaErrorCode.PLATFORM_VERSION_CHECK.code()).isEqualTo(1009);
    assertThat(OtaErrorCode.NEWER_JOB.code()).isEqualTo(2001);
    assertThat(OtaErrorCode.FAILED_INGEST.reason()).isEqualTo("failed_ingest");
    assertThat(OtaErrorCode.STATE_MISMATCH.reason()).isEqualTo("state_mismatch");
    assertThat(OtaErrorCode.INVALID_PROTOCOL.code()).isEqualTo(2005);
    assertThat(OtaErrorCode.USER_ABORT.code()).isEqualTo(2006);
    assertThat(OtaErrorCode.VERSION_CHECK.code()).isEqualTo(2007);
    for (OtaErrorCode c : OtaErrorCode.values()) {
      assertThat(c.isPlatformError()).isEqualTo(c.code() < 2000);
    }
  }

  @Test
  void block_validation_for_100000_bytes_in_1024_byte_blocks() {
    BlockLedger l = new BlockLedger(100_000, 1024, null);
    assertThat(l.totalBlocks()).isEqualTo(98);
    assertThat(l.isValid(50, 1024)).isTrue();
    assertThat(l.isValid(97, 672)).isTrue();
    assertThat(l.isValid(97, 1024)).isFalse();
    assertThat(l.isValid(98, 1024)).isFalse();
    assertThat(l.isValid(98, 672)).isFalse();
    assertThat(l.isValid(10, 512)).isFalse();
    assertThat(l.isValid(-1, 1024)).isFalse();
  }

  @Test
  void progress_goes_out_unconfirmed_every_24_blocks_and_the_last_one_is_confirmed() throws Exception {
    RecordingControl control = new RecordingControl();
    StatusReporter reporter = new StatusReporter("job", control, Duration.ofSeconds(1), Map::of, OtaListener.NONE);
    ProgressMeter meter = new ProgressMeter("job", 98, 100_000, 24, Duration.ZERO, reporter, OtaListener.NONE);
    OtaFile file = new OtaFile(0, "fw.bin", 100_000, 0, null, null, null, null, 0, null, null);
    for (int i = 0; i < 98; i++) {
      meter.block(file, 1024);
    }
    reporter.confirm(JobExecutionStatus.IN_PROGRESS, meter.details(SelfTestStatus.READY));
    assertThat(control.sent).extracting(s -> s.details().get("progress") + (s.confirmed() ? " confirmed" : ""))
        .containsExactly("2/98", "26/98", "50/98", "74/98", "98/98 confirmed");
    assertThat(control.sent).extracting(s -> s.details().get("self_test"))
        .containsExactly("receiving", "receiving", "receiving", "receiving", "ready");
  }

  @Test
  void progress_points_closer_than_the_interval_to_the_last_update_are_skipped() throws Exception {
    RecordingControl control = new RecordingControl();
    StatusReporter reporter = new StatusReporter("job", control, Duration.ofSeconds(1), Map::of, OtaListener.NONE);
    long[] now = {0};
    ProgressMeter meter = new ProgressMeter("job", 98, 100_000, 24, Duration.ofSeconds(1), reporter,
        OtaListener.NONE, () -> now[0]);
    OtaFile file = new OtaFile(0, "fw.bin", 100_000, 0, null, null, null, null, 0, null, null);
    for (int i = 0; i < 98; i++) {
      now[0] = i * 25_000_000L; // a block every 25 ms: the points at 2, 26, 50, 74 blocks are 600 ms apart
      meter.block(file, 1024);
    }
    reporter.confirm(JobExecutionStatus.IN_PROGRESS, meter.details(SelfTestStatus.READY));
    assertThat(control.sent).extracting(s -> s.details().get("progress") + (s.confirmed() ? " confirmed" : ""))
        .containsExactly("2/98", "50/98", "98/98 confirmed");
  }

  @Test
  void progress_events_carry_bytes_blocks_the_recent_rate_and_the_time_left_at_most_every_200_ms() throws Exception {
    RecordingControl control = new RecordingControl();
    StatusReporter reporter = new StatusReporter("job", control, Duration.ofSeconds(1), Map::of, OtaListener.NONE);
    List<TransferProgress> events = new ArrayList<>();
    long[] now = {0};
    ProgressMeter meter = new ProgressMeter("job", 100, 102_400, 24, Duration.ofSeconds(1), reporter,
        new OtaListener() {
          @Override
          public void onProgress(TransferProgress p) {
            events.add(p);
          }
        }, () -> now[0]);
    OtaFile file = new OtaFile(0, "fw.bin", 102_400, 0, null, null, null, null, 0, null, null);
    meter.resumed(20, 20_480);
    for (int i = 0; i < 80; i++) {
      now[0] = 200_000_000L + i * 50_000_000L; // a 1 KiB block every 50 ms: 20 KiB/s
      meter.block(file, 1024);
    }
    // the first block, then one every 200 ms (every fourth block), and the file's last block
    assertThat(events).hasSize(21);
    TransferProgress mid = events.get(10);
    assertThat(mid.blocksReceived()).isEqualTo(61);
    assertThat(mid.bytesReceived()).isEqualTo(61 * 1024);
    assertThat(mid.resumedBytes()).as("resumed bytes do not count in the rate").isEqualTo(20_480);
    assertThat(mid.bytesPerSecond()).isCloseTo(20_480, org.assertj.core.data.Offset.offset(1.0));
    assertThat(mid.timeLeft()).contains(Duration.ofMillis(39 * 1024 * 1000 / 20_480));
    TransferProgress last = events.get(events.size() - 1);
    assertThat(last.isComplete()).isTrue();
    assertThat(last.timeLeft()).contains(Duration.ZERO);
  }

  @Test
  void a_refused_progress_update_aborts_the_download() throws Exception {
    RecordingControl control = new RecordingControl();
    control.refuse = new IllegalStateException("job is no longer running");
    StatusReporter reporter = new StatusReporter("job", control, Duration.ofSeconds(1), Map::of, OtaListener.NONE);
    reporter.progress(OtaStatusDetails.of(SelfTestStatus.RECEIVING).withProgress(1, 2));
    org.assertj.core.api.Assertions.assertThatThrownBy(reporter::checkRefused).isInstanceOf(OtaException.class)
        .satisfies(e -> assertThat(((OtaException) e).code()).isEqualTo(OtaErrorCode.USER_ABORT));
  }

  @Test
  void a_confirmed_update_that_could_not_leave_is_sent_again_once_the_connection_is_back() throws Exception {
    RecordingControl control = new RecordingControl();
    control.failBeforeSending.add(new MqttNotConnectedException("greengrass ipc is reconnecting"));
    control.failBeforeSending.add(new MqttNotConnectedException("greengrass ipc is reconnecting"));
    StatusReporter reporter = new StatusReporter("job", control, Duration.ofSeconds(5), Map::of, OtaListener.NONE);

    reporter.confirm(JobExecutionStatus.IN_PROGRESS, OtaStatusDetails.of(SelfTestStatus.READY));

    assertThat(control.failBeforeSending).isEmpty();
    assertThat(control.sent).extracting(RecordingControl.Sent::confirmed).containsExactly(true);
  }

  @Test
  void an_update_still_not_sent_when_the_wait_ends_fails_the_update_as_other() {
    RecordingControl control = new RecordingControl();
    for (int i = 0; i < 100; i++) {
      control.failBeforeSending.add(new MqttNotConnectedException("broker down"));
    }
    StatusReporter reporter = new StatusReporter("job", control, Duration.ofMillis(400), Map::of, OtaListener.NONE);

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> reporter.confirm(JobExecutionStatus.IN_PROGRESS, OtaStatusDetails.of(SelfTestStatus.READY)))
        .isInstanceOfSatisfying(OtaException.class, e -> assertThat(e.code()).isEqualTo(OtaErrorCode.OTHER));
    assertThat(control.sent).isEmpty();
  }
}
