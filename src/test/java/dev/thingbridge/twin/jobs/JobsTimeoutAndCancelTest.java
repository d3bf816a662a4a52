package dev.thingbridge.twin.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.twin.http.AwsApiException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Step and in-progress timeouts with a stepped clock, cancellation, deletion and notify-next de-duplication. */
class JobsTimeoutAndCancelTest {
  private JobsTwinFixture f;

  @BeforeEach
  void start() throws Exception {
    f = new JobsTwinFixture("dev-1");
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private void createAndDrain(String jobId, boolean head) throws Exception {
    f.createJob(jobId);
    f.expect("notify");
    if (head) {
      f.expect("notify-next");
    }
  }

  @Test
  void the_step_timer_from_start_next_times_the_execution_out_and_notifies() throws Exception {
    createAndDrain("fw", true);
    f.call("start-next", "{\"stepTimeoutInMinutes\":5}", "accepted");
    f.expect("notify");
    f.advance(Duration.ofSeconds(299));
    JobExecutionDescription running = f.jobs.describeJobExecution("dev-1", "fw", null);
    assertThat(running.status()).isEqualTo(ExecutionStatus.IN_PROGRESS);
    assertThat(running.approximateSecondsBeforeTimedOut()).isEqualTo(1);
    f.expectNothingElse();
    f.advance(Duration.ofSeconds(1));
    assertThat(f.expect("notify").get("jobs").size()).isZero();
    assertThat(f.expect("notify-next").has("execution")).isFalse();
    assertThat(f.jobs.describeJobExecution("dev-1", "fw", null).status()).isEqualTo(ExecutionStatus.TIMED_OUT);
    assertThat(f.jobs.describeJob("fw").status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(f.jobs.describeJob("fw").executionCounts().get(ExecutionStatus.TIMED_OUT)).isEqualTo(1);
    JsonNode late = f.call("fw/update", "{\"status\":\"SUCCEEDED\"}", "rejected");
    assertThat(late.get("code").asText()).isEqualTo("InvalidStateTransition");
    assertThat(late.at("/executionState/status").asText()).isEqualTo("TIMED_OUT");
  }

  @Test
  void an_update_resets_the_step_timer_and_minus_one_clears_it() throws Exception {
    createAndDrain("fw", true);
    f.call("fw/update", "{\"status\":\"IN_PROGRESS\",\"stepTimeoutInMinutes\":2}", "accepted");
    f.expect("notify");
    f.advance(Duration.ofSeconds(90));
    f.call("fw/update", "{\"status\":\"IN_PROGRESS\",\"stepTimeoutInMinutes\":2}", "accepted");
    f.advance(Duration.ofSeconds(90));
    assertThat(f.jobs.describeJobExecution("dev-1", "fw", null).status()).isEqualTo(ExecutionStatus.IN_PROGRESS);
    f.call("fw/update", "{\"status\":\"IN_PROGRESS\"}", "accepted"); // no field: the timer keeps running
    f.advance(Duration.ofSeconds(30));
    assertThat(f.jobs.describeJobExecution("dev-1", "fw", null).status()).isEqualTo(ExecutionStatus.TIMED_OUT);

    f.createJob("fw2");
    f.request("fw2/update", "{\"status\":\"IN_PROGRESS\",\"stepTimeoutInMinutes\":1}", "accepted");
    f.request("fw2/update", "{\"status\":\"IN_PROGRESS\",\"stepTimeoutInMinutes\":-1}", "accepted");
    f.advance(Duration.ofDays(30));
    JobExecutionDescription e = f.jobs.describeJobExecution("dev-1", "fw2", null);
    assertThat(e.status()).isEqualTo(ExecutionStatus.IN_PROGRESS);
    assertThat(e.approximateSecondsBeforeTimedOut()).isNull();
  }

  @Test
  void the_in_progress_timeout_runs_from_the_start_and_ignores_step_timers() throws Exception {
    f.jobs.createJob(JobRequest.builder("fw").document("{}").target(f.arn("dev-1")).inProgressTimeoutInMinutes(10)
        .build());
    f.expect("notify");
    f.expect("notify-next");
    f.advance(Duration.ofHours(2)); // queued executions do not time out
    assertThat(f.jobs.describeJobExecution("dev-1", "fw", null).status()).isEqualTo(ExecutionStatus.QUEUED);
    f.call("start-next", "{\"stepTimeoutInMinutes\":60}", "accepted");
    f.expect("notify");
    assertThat(f.jobs.describeJobExecution("dev-1", "fw", null).approximateSecondsBeforeTimedOut()).isEqualTo(600);
    f.advance(Duration.ofMinutes(9));
    f.call("fw/update", "{\"status\":\"IN_PROGRESS\",\"stepTimeoutInMinutes\":30}", "accepted");
    f.advance(Duration.ofMinutes(1));
    assertThat(f.jobs.describeJobExecution("dev-1", "fw", null).status()).isEqualTo(ExecutionStatus.TIMED_OUT);
    f.expect("notify");
    f.expect("notify-next");
  }

  @Test
  void cancel_without_force_cancels_queued_executions_and_lets_in_progress_ones_finish() throws Exception {
    f.things.createThing("dev-2");
    f.jobs.createJob(JobRequest.builder("fw").document("{}").target(f.arn("dev-1")).target(f.arn("dev-2")).build());
    f.expect("notify");
    f.expect("notify-next");
    f.call("start-next", "{}", "accepted");
    f.expect("notify");
    Job canceled = f.jobs.cancelJob("fw", false, "NO_LONGER_NEEDED", "superseded");
    assertThat(canceled.status()).isEqualTo(JobStatus.CANCELED);
    assertThat(canceled.forceCanceled()).isFalse();
    assertThat(f.jobs.describeJobExecution("dev-2", "fw", null).status()).isEqualTo(ExecutionStatus.CANCELED);
    f.expectNothingElse(); // dev-1's running execution is untouched: no notification for it
    f.call("fw/update", "{\"status\":\"SUCCEEDED\"}", "accepted");
    f.expect("notify");
    f.expect("notify-next");
    Job after = f.jobs.describeJob("fw");
    assertThat(after.status()).isEqualTo(JobStatus.CANCELED);
    assertThat(after.reasonCode()).isEqualTo("NO_LONGER_NEEDED");
    assertThat(after.executionCounts()).containsEntry(ExecutionStatus.SUCCEEDED, 1)
        .containsEntry(ExecutionStatus.CANCELED, 1);
  }

  @Test
  void cancel_of_a_queued_head_notifies_both_topics() throws Exception {
    createAndDrain("fw", true);
    f.jobs.cancelJob("fw", false, null, null);
    assertThat(f.expect("notify").get("jobs").size()).isZero();
    assertThat(f.expect("notify-next").has("execution")).isFalse();
    f.expectNothingElse();
  }

  @Test
  void cancel_with_force_cancels_in_progress_executions_and_the_device_can_no_longer_update() throws Exception {
    createAndDrain("fw", true);
    createAndDrain("next", false);
    f.call("start-next", "{}", "accepted");
    f.expect("notify");
    f.jobs.cancelJob("fw", true, null, null);
    JsonNode notify = f.expect("notify");
    assertThat(notify.at("/jobs/QUEUED/0/jobId").asText()).isEqualTo("next");
    assertThat(notify.at("/jobs/IN_PROGRESS").isMissingNode()).isTrue();
    assertThat(f.expect("notify-next").at("/execution/jobId").asText()).isEqualTo("next");
    JobExecutionDescription e = f.jobs.describeJobExecution("dev-1", "fw", null);
    assertThat(e.status()).isEqualTo(ExecutionStatus.CANCELED);
    assertThat(e.forceCanceled()).isTrue();
    assertThat(f.jobs.describeJob("fw").forceCanceled()).isTrue();
    assertThat(f.call("fw/update", "{\"status\":\"SUCCEEDED\"}", "rejected").get("code").asText())
        .isEqualTo("InvalidStateTransition");
  }

  @Test
  void cancel_of_a_job_that_is_not_at_the_head_sends_notify_only() throws Exception {
    createAndDrain("first", true);
    createAndDrain("second", false);
    f.jobs.cancelJob("second", false, null, null);
    assertThat(f.expect("notify").at("/jobs/QUEUED").size()).isEqualTo(1);
    f.expectNothingElse();
  }

  @Test
  void a_completed_job_cannot_be_canceled() throws Exception {
    createAndDrain("fw", true);
    f.call("fw/update", "{\"status\":\"SUCCEEDED\"}", "accepted");
    assertThatThrownBy(() -> f.jobs.cancelJob("fw", true, null, null)).isInstanceOf(AwsApiException.class)
        .extracting(e -> ((AwsApiException) e).type()).isEqualTo("InvalidRequestException");
  }

  @Test
  void notify_next_is_sent_only_when_the_head_changes() throws Exception {
    createAndDrain("a", true);
    createAndDrain("b", false); // b queued behind a: notify only
    f.call("a/update", "{\"status\":\"IN_PROGRESS\",\"statusDetails\":{\"p\":\"1\"}}", "accepted");
    f.expect("notify"); // status change within the list; head unchanged
    f.call("a/update", "{\"status\":\"IN_PROGRESS\",\"statusDetails\":{\"p\":\"2\"}}", "accepted");
    f.expectNothingElse(); // progress: neither notification
    f.call("b/update", "{\"status\":\"IN_PROGRESS\"}", "accepted");
    f.expect("notify"); // b in progress too, but a was queued earlier: head still a
    f.expectNothingElse();
    f.call("a/update", "{\"status\":\"SUCCEEDED\"}", "accepted");
    f.expect("notify");
    assertThat(f.expect("notify-next").at("/execution/status").asText()).isEqualTo("IN_PROGRESS");
  }

  @Test
  void a_later_job_going_in_progress_takes_the_head_and_notify_next_says_so() throws Exception {
    createAndDrain("a", true);
    f.clock.advance(Duration.ofSeconds(1));
    createAndDrain("b", false);
    f.call("b/update", "{\"status\":\"IN_PROGRESS\"}", "accepted");
    f.expect("notify");
    assertThat(f.expect("notify-next").at("/execution/jobId").asText()).isEqualTo("b");
  }

  @Test
  void cancel_job_execution_and_delete_job_execution_notify_and_forget() throws Exception {
    createAndDrain("a", true);
    createAndDrain("b", false);
    f.call("a/update", "{\"status\":\"IN_PROGRESS\"}", "accepted");
    f.expect("notify");
    assertThatThrownBy(() -> f.jobs.cancelJobExecution("dev-1", "a", false, null, null))
        .extracting(e -> ((AwsApiException) e).type()).isEqualTo("InvalidStateTransitionException");
    assertThatThrownBy(() -> f.jobs.cancelJobExecution("dev-1", "a", true, 1L, null))
        .extracting(e -> ((AwsApiException) e).type()).isEqualTo("VersionConflictException");
    JobExecutionDescription canceled = f.jobs.cancelJobExecution("dev-1", "a", true, 2L, java.util.Map.of("why", "operator"));
    assertThat(canceled.status()).isEqualTo(ExecutionStatus.CANCELED);
    assertThat(canceled.statusDetails()).containsEntry("why", "operator");
    f.expect("notify");
    assertThat(f.expect("notify-next").at("/execution/jobId").asText()).isEqualTo("b");
    assertThatThrownBy(() -> f.jobs.deleteJobExecution("dev-1", "b", 1, false))
        .extracting(e -> ((AwsApiException) e).type()).isEqualTo("InvalidStateTransitionException");
    f.jobs.deleteJobExecution("dev-1", "b", 1, true);
    f.expect("notify");
    f.expect("notify-next");
    assertThat(f.call("b/update", "{\"status\":\"SUCCEEDED\"}", "rejected").get("code").asText())
        .isEqualTo("ResourceNotFound");
    assertThat(f.jobs.describeJob("b").status()).isEqualTo(JobStatus.COMPLETED);
    f.jobs.deleteJobExecution("dev-1", "a", 1, false);
    assertThatThrownBy(() -> f.jobs.describeJobExecution("dev-1", "a", null))
        .extracting(e -> ((AwsApiException) e).type()).isEqualTo("ResourceNotFoundException");
  }
}
