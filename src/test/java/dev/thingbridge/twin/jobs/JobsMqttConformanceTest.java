package dev.thingbridge.twin.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.twin.TwinLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The examples and error codes of the Jobs MQTT API (aws-protocols.md §2.3) through a device on the bus. */
class JobsMqttConformanceTest {
  private JobsTwinFixture f;
  private final long t0 = JobsTwinFixture.START.getEpochSecond();

  @BeforeEach
  void start() throws Exception {
    f = new JobsTwinFixture("dev-1");
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private static JsonNode json(String text) throws Exception {
    return JobsTwinFixture.JSON.readTree(text);
  }

  /** Creates fw-42 (started at t0+100) and cfg-7 (queued at t0+200), draining the notifications. */
  private void twoJobs() throws Exception {
    f.createJob("fw-42");
    f.expect("notify");
    f.expect("notify-next");
    f.clock.advance(Duration.ofSeconds(100));
    f.call("start-next", "{}", "accepted");
    f.expect("notify");
    f.clock.advance(Duration.ofSeconds(100));
    f.createJob("cfg-7");
    f.expect("notify");
    f.clock.advance(Duration.ofSeconds(100));
  }

  @Test
  void get_pending_lists_in_progress_and_queued_summaries_with_the_client_token() throws Exception {
    twoJobs();
    JsonNode reply = f.call("get", "{\"clientToken\":\"t1\"}", "accepted");
    assertThat(reply).isEqualTo(json("""
        { "inProgressJobs": [ { "jobId": "fw-42", "queuedAt": %d, "startedAt": %d,
                                "lastUpdatedAt": %d, "versionNumber": 2, "executionNumber": 1 } ],
          "queuedJobs": [ { "jobId": "cfg-7", "queuedAt": %d, "lastUpdatedAt": %d,
                            "versionNumber": 1, "executionNumber": 1 } ],
          "timestamp": %d, "clientToken": "t1" }""".formatted(t0, t0 + 100, t0 + 100, t0 + 200, t0 + 200, t0 + 300)));
  }

  @Test
  void get_pending_with_nothing_pending_has_empty_lists_and_an_empty_payload_is_accepted() throws Exception {
    assertThat(f.call("get", "", "accepted")).isEqualTo(json(
        "{\"inProgressJobs\":[],\"queuedJobs\":[],\"timestamp\":%d}".formatted(t0)));
  }

  @Test
  void start_next_moves_the_queued_head_to_in_progress_with_status_details_and_a_step_timer() throws Exception {
    f.jobs.createJob(JobRequest.builder("cfg-7").document("{\"operation\":\"reboot\"}").target(f.arn("dev-1")).build());
    f.expect("notify");
    f.expect("notify-next");
    f.clock.advance(Duration.ofSeconds(200));
    JsonNode reply = f.call("start-next",
        "{ \"statusDetails\": { \"step\": \"download\" }, \"stepTimeoutInMinutes\": 30, \"clientToken\": \"t2\" }",
        "accepted");
    assertThat(reply).isEqualTo(json("""
        { "execution": { "jobId": "cfg-7", "thingName": "dev-1", "jobDocument": { "operation": "reboot" },
                         "status": "IN_PROGRESS", "statusDetails": { "step": "download" },
                         "queuedAt": %d, "startedAt": %d, "lastUpdatedAt": %d,
                         "versionNumber": 2, "executionNumber": 1, "approximateSecondsBeforeTimedOut": 1800 },
          "timestamp": %d, "clientToken": "t2" }""".formatted(t0, t0 + 200, t0 + 200, t0 + 200)));
    assertThat(fieldNames(reply.get("execution"))).startsWith("jobId", "thingName", "jobDocument", "status",
        "statusDetails", "queuedAt", "startedAt", "lastUpdatedAt", "versionNumber", "executionNumber");
    JsonNode notify = f.expect("notify");
    assertThat(notify.at("/jobs/IN_PROGRESS/0/jobId").asText()).isEqualTo("cfg-7");
    f.expectNothingElse(); // same head: no notify-next
  }

  @Test
  void start_next_with_an_execution_already_in_progress_returns_it_unchanged() throws Exception {
    f.createJob("a");
    f.expect("notify");
    f.expect("notify-next");
    f.call("start-next", "{\"statusDetails\":{\"k\":\"first\"}}", "accepted");
    f.expect("notify");
    JsonNode again = f.call("start-next", "{\"statusDetails\":{\"k\":\"second\"}}", "accepted");
    assertThat(again.at("/execution/statusDetails/k").asText()).isEqualTo("first");
    assertThat(again.at("/execution/versionNumber").asLong()).isEqualTo(2);
    f.expectNothingElse();
  }

  @Test
  void start_next_with_nothing_pending_answers_without_execution() throws Exception {
    assertThat(f.call("start-next", "{\"clientToken\":\"t2\"}", "accepted"))
        .isEqualTo(json("{\"timestamp\":%d,\"clientToken\":\"t2\"}".formatted(t0)));
  }

  @Test
  void describe_includes_the_document_by_default_and_omits_it_when_asked() throws Exception {
    f.createJob("fw-1");
    f.expect("notify");
    f.expect("notify-next");
    JsonNode withDoc = f.call("fw-1/get", "{\"executionNumber\":1,\"includeJobDocument\":true,\"clientToken\":\"t3\"}",
        "accepted");
    assertThat(withDoc).isEqualTo(json("""
        { "execution": { "jobId": "fw-1", "thingName": "dev-1", "jobDocument": { "operation": "fw-1" },
            "status": "QUEUED", "queuedAt": %d, "lastUpdatedAt": %d, "versionNumber": 1, "executionNumber": 1 },
          "timestamp": %d, "clientToken": "t3" }""".formatted(t0, t0, t0)));
    assertThat(f.call("fw-1/get", "{}", "accepted").at("/execution/jobDocument/operation").asText()).isEqualTo("fw-1");
    assertThat(f.call("fw-1/get", "{\"includeJobDocument\":false}", "accepted").get("execution").has("jobDocument"))
        .isFalse();
  }

  @Test
  void describe_next_names_the_in_progress_execution_first_and_lacks_execution_when_nothing_is_pending()
      throws Exception {
    assertThat(f.call("$next/get", "{\"clientToken\":\"0:dev-1\"}", "accepted"))
        .isEqualTo(json("{\"clientToken\":\"0:dev-1\",\"timestamp\":%d}".formatted(t0)));
    f.createJob("first");
    f.expect("notify");
    f.expect("notify-next");
    f.clock.advance(Duration.ofSeconds(1));
    f.createJob("second");
    f.expect("notify");
    f.call("second/update", "{\"status\":\"IN_PROGRESS\"}", "accepted");
    f.expect("notify");
    JsonNode next = f.expect("notify-next");
    assertThat(next.at("/execution/jobId").asText()).isEqualTo("second");
    assertThat(f.call("$next/get", "{}", "accepted").at("/execution/jobId").asText()).isEqualTo("second");
  }

  @Test
  void update_returns_execution_state_and_document_only_when_asked() throws Exception {
    f.createJob("fw-1");
    f.expect("notify");
    f.expect("notify-next");
    f.call("start-next", "{}", "accepted");
    f.expect("notify");
    f.clock.advance(Duration.ofSeconds(100));
    JsonNode reply = f.call("fw-1/update", """
        { "status": "IN_PROGRESS", "statusDetails": { "progress": "40%" }, "expectedVersion": 2,
          "includeJobExecutionState": true, "stepTimeoutInMinutes": 15, "clientToken": "t4" }""", "accepted");
    assertThat(reply).isEqualTo(json("""
        { "executionState": { "status": "IN_PROGRESS", "statusDetails": { "progress": "40%%" }, "versionNumber": 3 },
          "timestamp": %d, "clientToken": "t4" }""".formatted(t0 + 100)));
    assertThat(f.call("fw-1/update", "{\"status\":\"IN_PROGRESS\"}", "accepted"))
        .isEqualTo(json("{\"timestamp\":%d}".formatted(t0 + 100)));
    JsonNode withDoc = f.call("fw-1/update", "{\"status\":\"IN_PROGRESS\",\"includeJobDocument\":true}", "accepted");
    assertThat(withDoc.get("jobDocument")).isEqualTo(json("{\"operation\":\"fw-1\"}"));
    f.expectNothingElse(); // progress updates change neither the pending list nor its head
  }

  @Test
  void update_with_a_stale_expected_version_is_a_version_mismatch_with_the_execution_state() throws Exception {
    f.createJob("fw-1");
    f.expect("notify");
    f.expect("notify-next");
    f.call("fw-1/update", "{\"status\":\"IN_PROGRESS\",\"statusDetails\":{\"progress\":\"40%\"}}", "accepted");
    f.expect("notify");
    JsonNode rejected = f.call("fw-1/update", "{\"status\":\"SUCCEEDED\",\"expectedVersion\":1,\"clientToken\":\"t5\"}",
        "rejected");
    assertThat(rejected).isEqualTo(json("""
        { "code": "VersionMismatch", "message": "expectedVersion 1 does not match the current version 2",
          "clientToken": "t5", "timestamp": %d,
          "executionState": { "status": "IN_PROGRESS", "statusDetails": { "progress": "40%%" }, "versionNumber": 2 } }
        """.formatted(t0)));
    assertThat(fieldNames(rejected)).containsExactly("code", "message", "clientToken", "timestamp", "executionState");
  }

  @Test
  void an_update_out_of_a_terminal_state_is_an_invalid_state_transition_with_the_execution_state() throws Exception {
    f.createJob("fw-1");
    f.expect("notify");
    f.expect("notify-next");
    f.call("fw-1/update", "{\"status\":\"SUCCEEDED\"}", "accepted");
    f.expect("notify");
    f.expect("notify-next");
    JsonNode rejected = f.call("fw-1/update", "{\"status\":\"IN_PROGRESS\",\"clientToken\":\"t6\"}", "rejected");
    assertThat(rejected.get("code").asText()).isEqualTo("InvalidStateTransition");
    assertThat(rejected.get("clientToken").asText()).isEqualTo("t6");
    assertThat(rejected.get("executionState")).isEqualTo(json("{\"status\":\"SUCCEEDED\",\"versionNumber\":2}"));
  }

  @Test
  void describing_a_finished_execution_is_terminal_state_reached() throws Exception {
    f.createJob("fw-1");
    f.expect("notify");
    f.expect("notify-next");
    f.call("fw-1/update", "{\"status\":\"FAILED\"}", "accepted");
    f.expect("notify");
    f.expect("notify-next");
    JsonNode rejected = f.call("fw-1/get", "{\"clientToken\":\"t7\"}", "rejected");
    assertThat(rejected.get("code").asText()).isEqualTo("TerminalStateReached");
    assertThat(rejected.has("executionState")).isFalse();
    assertThat(rejected.get("clientToken").asText()).isEqualTo("t7");
  }

  @Test
  void unknown_jobs_and_wrong_execution_numbers_are_resource_not_found() throws Exception {
    assertThat(f.call("nope/get", "{\"clientToken\":\"a\"}", "rejected").get("code").asText())
        .isEqualTo("ResourceNotFound");
    assertThat(f.call("nope/update", "{\"status\":\"SUCCEEDED\",\"clientToken\":\"b\"}", "rejected").get("code").asText())
        .isEqualTo("ResourceNotFound");
    f.createJob("fw-1");
    f.expect("notify");
    f.expect("notify-next");
    JsonNode r = f.call("fw-1/get", "{\"executionNumber\":2,\"clientToken\":\"c\"}", "rejected");
    assertThat(r.get("code").asText()).isEqualTo("ResourceNotFound");
    assertThat(r.get("clientToken").asText()).isEqualTo("c");
  }

  @ParameterizedTest
  @ValueSource(strings = {"foo", "get/extra", "fw-1/delete", "a/b/c/d", "$next/update"})
  void topics_that_map_to_no_api_are_invalid_topic(String suffix) throws Exception {
    JsonNode r = f.call(suffix, "{\"clientToken\":\"tok\",\"status\":\"SUCCEEDED\"}", "rejected");
    assertThat(r.get("code").asText()).isEqualTo("InvalidTopic");
    assertThat(r.get("clientToken").asText()).isEqualTo("tok");
  }

  @Test
  void payloads_that_are_not_utf8_json_are_invalid_json() throws Exception {
    assertThat(f.call("get", "{\"clientToken\":", "rejected")).isEqualTo(json("""
        {"code":"InvalidJson","message":"The payload is not valid JSON","timestamp":%d}""".formatted(t0)));
    f.device.publish(f.prefix() + "get", new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}, QoS.AT_LEAST_ONCE,
        false).get(5, TimeUnit.SECONDS);
    assertThat(f.expect("get/rejected").get("code").asText()).isEqualTo("InvalidJson");
    assertThat(f.call("get", "{} trailing", "rejected").get("code").asText()).isEqualTo("InvalidJson");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"clientToken\":\"x\"}",
      "{\"clientToken\":\"x\",\"status\":\"DONE\"}",
      "{\"clientToken\":\"x\",\"status\":5}",
      "{\"clientToken\":\"x\",\"status\":\"IN_PROGRESS\",\"statusDetails\":\"text\"}",
      "{\"clientToken\":\"x\",\"status\":\"IN_PROGRESS\",\"statusDetails\":{\"n\":1}}",
      "{\"clientToken\":\"x\",\"status\":\"IN_PROGRESS\",\"statusDetails\":{\"bad key\":\"v\"}}",
      "{\"clientToken\":\"x\",\"status\":\"IN_PROGRESS\",\"statusDetails\":{\"k\":\"\"}}",
      "{\"clientToken\":\"x\",\"status\":\"IN_PROGRESS\",\"statusDetails\":{\"k\":\"line\\nbreak\"}}",
      "{\"clientToken\":\"x\",\"status\":\"IN_PROGRESS\",\"expectedVersion\":\"1\"}",
      "{\"clientToken\":\"x\",\"status\":\"IN_PROGRESS\",\"expectedVersion\":1.5}",
      "{\"clientToken\":\"x\",\"status\":\"IN_PROGRESS\",\"stepTimeoutInMinutes\":0}",
      "{\"clientToken\":\"x\",\"status\":\"IN_PROGRESS\",\"stepTimeoutInMinutes\":10081}",
      "{\"clientToken\":\"x\",\"status\":\"IN_PROGRESS\",\"includeJobDocument\":\"yes\"}"})
  void malformed_update_content_is_invalid_request_with_the_token(String payload) throws Exception {
    f.createJob("fw-1");
    f.expect("notify");
    f.expect("notify-next");
    JsonNode r = f.call("fw-1/update", payload, "rejected");
    assertThat(r.get("code").asText()).isEqualTo("InvalidRequest");
    assertThat(r.get("clientToken").asText()).isEqualTo("x");
    assertThat(r.get("message").asText()).isNotBlank();
    assertThat(r.has("executionState")).isFalse();
  }

  @Test
  void status_details_limits_are_ten_entries_and_1024_characters() throws Exception {
    f.createJob("fw-1");
    f.expect("notify");
    f.expect("notify-next");
    ObjectNode ten = JobsTwinFixture.JSON.createObjectNode().put("status", "IN_PROGRESS");
    ObjectNode d = ten.putObject("statusDetails");
    for (int i = 0; i < 10; i++) {
      d.put("k" + i, "x".repeat(1024));
    }
    f.call("fw-1/update", ten.toString(), "accepted");
    f.expect("notify");
    d.put("k10", "v");
    assertThat(f.call("fw-1/update", ten.toString(), "rejected").get("code").asText()).isEqualTo("InvalidRequest");
    d.remove("k10");
    d.put("k0", "x".repeat(1025));
    assertThat(f.call("fw-1/update", ten.toString(), "rejected").get("code").asText()).isEqualTo("InvalidRequest");
  }

  @Test
  void a_non_object_request_or_non_string_token_is_invalid_request() throws Exception {
    assertThat(f.call("get", "[1,2]", "rejected").get("code").asText()).isEqualTo("InvalidRequest");
    assertThat(f.call("get", "{\"clientToken\":7}", "rejected").get("code").asText()).isEqualTo("InvalidRequest");
  }

  @Test
  void topics_the_service_publishes_on_are_never_answered() throws Exception {
    f.publish("notify", "{}");
    f.publish("notify-next", "{}");
    f.publish("get/accepted", "{}");
    f.publish("fw/update/rejected", "{}");
    f.expectNothingElse();
  }

  @Test
  void notify_groups_pending_executions_by_status_and_notify_next_carries_the_document() throws Exception {
    JsonNode notify = null;
    f.createJob("job1");
    notify = f.expect("notify");
    assertThat(notify).isEqualTo(json("""
        { "timestamp": %d, "jobs": { "QUEUED": [ { "jobId": "job1", "queuedAt": %d, "lastUpdatedAt": %d,
            "executionNumber": 1, "versionNumber": 1 } ] } }""".formatted(t0, t0, t0)));
    assertThat(f.expect("notify-next")).isEqualTo(json("""
        { "timestamp": %d, "execution": { "jobId": "job1", "status": "QUEUED", "queuedAt": %d, "lastUpdatedAt": %d,
            "versionNumber": 1, "executionNumber": 1, "jobDocument": { "operation": "job1" } } }"""
        .formatted(t0, t0, t0)));
    f.clock.advance(Duration.ofSeconds(5));
    f.call("start-next", "{}", "accepted");
    f.expect("notify");
    f.createJob("job2");
    notify = f.expect("notify");
    assertThat(fieldNames(notify.get("jobs"))).containsExactly("IN_PROGRESS", "QUEUED");
    f.call("job1/update", "{\"status\":\"SUCCEEDED\"}", "accepted");
    assertThat(fieldNames(f.expect("notify").get("jobs"))).containsExactly("QUEUED");
    assertThat(f.expect("notify-next").at("/execution/jobId").asText()).isEqualTo("job2");
    f.call("job2/update", "{\"status\":\"REJECTED\"}", "accepted");
    assertThat(f.expect("notify")).isEqualTo(json("{\"timestamp\":%d,\"jobs\":{}}".formatted(t0 + 5)));
    assertThat(f.expect("notify-next")).isEqualTo(json("{\"timestamp\":%d}".formatted(t0 + 5)));
  }

  @Test
  void notify_lists_at_most_the_configured_number_of_executions() throws Exception {
    for (int i = 0; i < 17; i++) {
      f.createJob("j" + i);
      f.expect("notify");
      if (i == 0) {
        f.expect("notify-next");
      }
    }
    f.createJob("last");
    assertThat(f.expect("notify").at("/jobs/QUEUED").size()).isEqualTo(15);
    assertThat(f.call("get", "{}", "accepted").get("queuedJobs").size()).isEqualTo(18);
  }

  @Test
  void aws_rate_limits_answer_request_throttled_with_the_token() throws Exception {
    f.close();
    f = new JobsTwinFixture("dev-1", null, TwinLimits.AWS, JobsSettings.DEFAULT);
    for (int i = 0; i < 100; i++) {
      f.publish("get", "{\"clientToken\":\"c" + i + "\"}");
    }
    f.publish("get", "{\"clientToken\":\"over\"}");
    for (int i = 0; i < 100; i++) {
      assertThat(f.expect("get/accepted").get("clientToken").asText()).isEqualTo("c" + i);
    }
    JsonNode throttled = f.expect("get/rejected");
    assertThat(throttled.get("code").asText()).isEqualTo("RequestThrottled");
    assertThat(throttled.get("clientToken").asText()).isEqualTo("over");
    f.clock.advance(Duration.ofSeconds(1));
    f.call("get", "{}", "accepted");
  }

  @Test
  void payloads_over_the_limit_are_invalid_request() throws Exception {
    f.close();
    f = new JobsTwinFixture("dev-1", null, new TwinLimits(1024, 100, 512 * 1024, 8192, 6, false), JobsSettings.DEFAULT);
    String big = "{\"clientToken\":\"big\",\"pad\":\"" + "x".repeat(1024) + "\"}";
    assertThat(f.call("get", big, "rejected").get("code").asText()).isEqualTo("InvalidRequest");
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
