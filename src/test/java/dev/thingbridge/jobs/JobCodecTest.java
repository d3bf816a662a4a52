package dev.thingbridge.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.thingbridge.jobs.model.DescribeJobExecutionRequest;
import dev.thingbridge.jobs.model.DescribeJobExecutionResponse;
import dev.thingbridge.jobs.model.GetPendingJobExecutionsRequest;
import dev.thingbridge.jobs.model.GetPendingJobExecutionsResponse;
import dev.thingbridge.jobs.model.JobExecutionsChanged;
import dev.thingbridge.jobs.model.JobExecutionStatus;
import dev.thingbridge.jobs.model.NextJobExecutionChanged;
import dev.thingbridge.jobs.model.StartNextJobExecutionResponse;
import dev.thingbridge.jobs.model.StartNextPendingJobExecutionRequest;
import dev.thingbridge.jobs.model.UpdateJobExecutionRequest;
import dev.thingbridge.jobs.model.UpdateJobExecutionResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rustot-spec scenarios JOB-T1..T8 plus what goes past rustot (TIMED_OUT, unknown values, full lists). */
class JobCodecTest {
  private static String json(Object o) {
    return new String(JobCodec.encode(o), StandardCharsets.UTF_8);
  }

  private static <T> T decode(String s, Class<T> type) {
    return JobCodec.decode(s.getBytes(StandardCharsets.UTF_8), type);
  }

  @Test
  void describe_request() {
    assertThat(json(new DescribeJobExecutionRequest(3L, true, "sensor-17:abc")))
        .isEqualTo("{\"executionNumber\":3,\"includeJobDocument\":true,\"clientToken\":\"sensor-17:abc\"}");
    assertThat(json(DescribeJobExecutionRequest.LATEST)).isEqualTo("{}");
  }

  @Test
  void get_pending_request() {
    assertThat(json(new GetPendingJobExecutionsRequest("tok-1"))).isEqualTo("{\"clientToken\":\"tok-1\"}");
  }

  @Test
  void start_next_request_with_and_without_step_timeout() {
    assertThat(json(new StartNextPendingJobExecutionRequest(null, 15, "tok-2")))
        .isEqualTo("{\"stepTimeoutInMinutes\":15,\"clientToken\":\"tok-2\"}");
    assertThat(json(new StartNextPendingJobExecutionRequest(null, null, "tok-2"))).isEqualTo("{\"clientToken\":\"tok-2\"}");
    assertThatThrownBy(() -> new StartNextPendingJobExecutionRequest(null, 10_081, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void update_with_every_option() {
    UpdateJobExecutionRequest r = UpdateJobExecutionRequest.builder(JobExecutionStatus.FAILED).executionNumber(2L)
        .expectedVersion(7L).includeJobDocument(true).includeJobExecutionState(true).stepTimeoutInMinutes(30)
        .clientToken("t").build();
    assertThat(json(r)).isEqualTo("{\"executionNumber\":2,\"expectedVersion\":7,\"includeJobDocument\":true,"
        + "\"includeJobExecutionState\":true,\"status\":\"FAILED\",\"stepTimeoutInMinutes\":30,\"clientToken\":\"t\"}");
  }

  @Test
  void update_with_status_details() {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("phase", "download");
    details.put("pct", "40");
    String s = json(UpdateJobExecutionRequest.builder(JobExecutionStatus.IN_PROGRESS).statusDetails(details).build());
    assertThat(s).isEqualTo("{\"status\":\"IN_PROGRESS\",\"statusDetails\":{\"phase\":\"download\",\"pct\":\"40\"}}");
  }

  @Test
  void update_checks_status_and_details_before_sending() {
    assertThatThrownBy(() -> UpdateJobExecutionRequest.builder(JobExecutionStatus.CANCELED).build())
        .hasMessageContaining("IN_PROGRESS, SUCCEEDED, FAILED or REJECTED");
    assertThatThrownBy(() -> UpdateJobExecutionRequest.builder(JobExecutionStatus.FAILED).statusDetails(Map.of("a b", "x")).build())
        .hasMessageContaining("statusDetails key");
    assertThatThrownBy(() -> UpdateJobExecutionRequest.builder(JobExecutionStatus.FAILED).statusDetails(Map.of("k", "x".repeat(1025)))
        .build()).hasMessageContaining("1-1024");
    assertThatThrownBy(() -> UpdateJobExecutionRequest.builder(JobExecutionStatus.FAILED).statusDetails(Map.of("k", "a\nb")).build())
        .hasMessageContaining("control characters");
    assertThat(json(UpdateJobExecutionRequest.builder(JobExecutionStatus.IN_PROGRESS).stepTimeoutInMinutes(-1).build()))
        .contains("\"stepTimeoutInMinutes\":-1");
  }

  @Test
  void notify_next() {
    NextJobExecutionChanged n = decode("{\"timestamp\":1700000001,\"execution\":{\"jobId\":\"fw-7\",\"status\":\"QUEUED\","
        + "\"queuedAt\":1700000000,\"lastUpdatedAt\":1700000000,\"versionNumber\":1,\"executionNumber\":1,"
        + "\"jobDocument\":{\"op\":\"reboot\"}}}", NextJobExecutionChanged.class);
    assertThat(n.execution().jobId()).isEqualTo("fw-7");
    assertThat(n.execution().status()).isEqualTo(JobExecutionStatus.QUEUED);
    assertThat(n.execution().versionNumber()).isEqualTo(1);
    assertThat(n.execution().startedAt()).isNull();
    assertThat(n.execution().thingName()).isNull();
    assertThat(n.execution().statusDetails()).isEmpty();
    assertThat(n.execution().jobDocument().get("op").asText()).isEqualTo("reboot");
    assertThat(decode("{\"timestamp\":5}", NextJobExecutionChanged.class).executionIfAny()).isEmpty();
  }

  @Test
  void pending_reply_with_missing_and_full_lists() {
    GetPendingJobExecutionsResponse r =
        decode("{\"clientToken\":\"c\",\"timestamp\":1700000100,\"inProgressJobs\":[]}", GetPendingJobExecutionsResponse.class);
    assertThat(r.inProgressJobs()).isEmpty();
    assertThat(r.queuedJobs()).isEmpty();
    GetPendingJobExecutionsResponse three = decode("{\"timestamp\":1,\"queuedJobs\":[{\"jobId\":\"a\"},{\"jobId\":\"b\"},"
        + "{\"jobId\":\"c\",\"versionNumber\":4}],\"inProgressJobs\":[{\"jobId\":\"d\",\"startedAt\":9}]}",
        GetPendingJobExecutionsResponse.class);
    assertThat(three.queuedJobs()).extracting(s -> s.jobId()).containsExactly("a", "b", "c");
    assertThat(three.inProgressJobs()).singleElement().satisfies(s -> assertThat(s.startedAt()).isEqualTo(9));
  }

  record Settings(String url, int retries) {}

  record Wrapped(Settings settings) {}

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "operation")
  @JsonSubTypes({@JsonSubTypes.Type(value = Reboot.class, name = "reboot"),
      @JsonSubTypes.Type(value = Install.class, name = "install")})
  sealed interface Op permits Reboot, Install {}

  record Reboot(int delaySeconds) implements Op {}

  record Install(String url) implements Op {}

  @Test
  void describe_reply_with_a_typed_document_nested_under_a_user_key() {
    DescribeJobExecutionResponse r = decode("{\"clientToken\":\"x\",\"timestamp\":1,\"execution\":{\"jobId\":\"j\","
        + "\"status\":\"IN_PROGRESS\",\"versionNumber\":2,\"jobDocument\":{\"settings\":{\"url\":\"https://x\",\"retries\":3}}}}",
        DescribeJobExecutionResponse.class);
    Wrapped doc = JobDocumentType.of(Wrapped.class).decode(r.execution().jobDocument());
    assertThat(doc.settings()).isEqualTo(new Settings("https://x", 3));
    Map<String, Object> asMap = JobDocumentType.of(new TypeReference<Map<String, Object>>() {})
        .decode(r.execution().jobDocument());
    assertThat(asMap).containsKey("settings");
  }

  @Test
  void documents_decode_into_a_sealed_interface_of_job_kinds() {
    JobDocumentType<Op> type = JobDocumentType.of(Op.class);
    assertThat(type.decode(new ObjectMapper().valueToTree(Map.of("operation", "install", "url", "u"))))
        .isEqualTo(new Install("u"));
    assertThatThrownBy(() -> type.decode(new ObjectMapper().valueToTree(Map.of("operation", "dance"))))
        .isInstanceOf(JobDocumentException.class).hasMessageContaining("Op");
    assertThatThrownBy(() -> type.decode(null)).isInstanceOf(JobDocumentException.class).hasMessageContaining("no job document");
  }

  @Test
  void every_status_decodes_and_an_unknown_one_becomes_unknown_without_failing_the_message() {
    for (String s : List.of("QUEUED", "IN_PROGRESS", "SUCCEEDED", "FAILED", "TIMED_OUT", "REJECTED", "REMOVED", "CANCELED")) {
      NextJobExecutionChanged n = decode("{\"execution\":{\"jobId\":\"j\",\"status\":\"" + s + "\"}}", NextJobExecutionChanged.class);
      assertThat(n.execution().status().name()).isEqualTo(s);
    }
    NextJobExecutionChanged n = decode("{\"execution\":{\"jobId\":\"j\",\"status\":\"PAUSED\",\"novel\":1}}",
        NextJobExecutionChanged.class);
    assertThat(n.execution().status()).isEqualTo(JobExecutionStatus.UNKNOWN);
    assertThat(JobExecutionStatus.TIMED_OUT.isTerminal()).isTrue();
  }

  @Test
  void error_reply_carries_its_code_as_a_typed_value() {
    JobErrorResponse e = decode("{\"code\":\"VersionMismatch\",\"message\":\"m\",\"clientToken\":\"t5\",\"timestamp\":1,"
        + "\"executionState\":{\"status\":\"IN_PROGRESS\",\"statusDetails\":{\"progress\":\"40%\"},\"versionNumber\":3}}",
        JobErrorResponse.class);
    assertThat(e.code()).isEqualTo(JobErrorCode.VERSION_MISMATCH);
    assertThat(e.executionState().versionNumber()).isEqualTo(3);
    assertThat(decode("{\"code\":\"TERMINAL_STATE_REACHED\"}", JobErrorResponse.class).code())
        .isEqualTo(JobErrorCode.TERMINAL_STATE_REACHED);
    assertThat(decode("{\"code\":\"BrandNewCode\",\"message\":\"m\"}", JobErrorResponse.class).code())
        .isEqualTo(JobErrorCode.UNKNOWN);
    for (JobErrorCode c : JobErrorCode.values()) {
      assertThat(JobErrorCode.fromWire(c.wire())).isEqualTo(c);
    }
  }

  @Test
  void notify_start_next_and_update_replies_decode() {
    JobExecutionsChanged n = decode("{\"timestamp\":1517017906,\"jobs\":{\"IN_PROGRESS\":[{\"jobId\":\"job1\"}],"
        + "\"QUEUED\":[{\"jobId\":\"job2\"},{\"jobId\":\"job3\"}]}}", JobExecutionsChanged.class);
    assertThat(n.inProgress()).extracting(s -> s.jobId()).containsExactly("job1");
    assertThat(n.queued()).extracting(s -> s.jobId()).containsExactly("job2", "job3");
    assertThat(decode("{\"timestamp\":1,\"jobs\":{}}", JobExecutionsChanged.class).queued()).isEmpty();
    StartNextJobExecutionResponse s = decode("{\"timestamp\":1,\"clientToken\":\"t2\"}", StartNextJobExecutionResponse.class);
    assertThat(s.executionIfAny()).isEmpty();
    UpdateJobExecutionResponse u = decode("{\"executionState\":{\"status\":\"IN_PROGRESS\",\"versionNumber\":3},"
        + "\"timestamp\":1,\"clientToken\":\"t4\"}", UpdateJobExecutionResponse.class);
    assertThat(u.executionState().versionNumber()).isEqualTo(3);
  }

  @Test
  void a_payload_that_is_not_json_fails_with_a_clear_reason() {
    assertThatThrownBy(() -> decode("not json", NextJobExecutionChanged.class))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid NextJobExecutionChanged");
    assertThatThrownBy(() -> decode("{\"execution\":{\"status\":\"QUEUED\"}}", NextJobExecutionChanged.class))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jobId");
  }
}
