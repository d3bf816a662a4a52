package dev.thingbridge.twin.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.twin.TwinLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Things, jobs, executions and running timers survive a restart with a state directory. */
class JobsPersistenceTest {
  @Test
  void a_restarted_twin_keeps_things_jobs_executions_and_timers(@TempDir Path dir) throws Exception {
    String thingId;
    try (JobsTwinFixture f = new JobsTwinFixture("dev-1", dir, TwinLimits.RELAXED, JobsSettings.DEFAULT)) {
      thingId = f.things.createThing("dev-2", "sensor", Map.of("site", "berlin")).thingId();
      f.jobs.createJob(JobRequest.builder("fw-1").document("{\"afr_ota\":{\"protocols\":[\"MQTT\"]}}")
          .target(f.arn("dev-1")).target(f.arn("dev-2")).description("ota").inProgressTimeoutInMinutes(60).build());
      f.createJob("cfg-2");
      f.request("start-next", "{\"statusDetails\":{\"step\":\"download\"},\"stepTimeoutInMinutes\":5}", "accepted");
      f.jobs.cancelJob("cfg-2", false, "OBSOLETE", "c");
    }
    try (JobsTwinFixture f = new JobsTwinFixture("dev-1", dir, TwinLimits.RELAXED, JobsSettings.DEFAULT)) {
      assertThat(f.things.describeThing("dev-2").thingId()).isEqualTo(thingId);
      assertThat(f.things.describeThing("dev-2").attributes()).containsEntry("site", "berlin");
      assertThat(f.things.describeThing("dev-2").thingTypeName()).isEqualTo("sensor");
      Job job = f.jobs.describeJob("fw-1");
      assertThat(job.description()).isEqualTo("ota");
      assertThat(job.inProgressTimeoutInMinutes()).isEqualTo(60);
      assertThat(f.jobs.jobDocument("fw-1")).contains("afr_ota");
      Job canceled = f.jobs.describeJob("cfg-2");
      assertThat(canceled.status()).isEqualTo(JobStatus.CANCELED);
      assertThat(canceled.reasonCode()).isEqualTo("OBSOLETE");

      JobExecutionDescription running = f.jobs.describeJobExecution("dev-1", "fw-1", null);
      assertThat(running.status()).isEqualTo(ExecutionStatus.IN_PROGRESS);
      assertThat(running.statusDetails()).containsEntry("step", "download");
      assertThat(running.versionNumber()).isEqualTo(2);
      assertThat(running.approximateSecondsBeforeTimedOut()).isEqualTo(300);
      // The device sees the same state over MQTT, and the step timer still fires.
      assertThat(f.call("$next/get", "{}", "accepted").at("/execution/jobDocument/afr_ota/protocols/0").asText())
          .isEqualTo("MQTT");
      f.advance(Duration.ofMinutes(5));
      assertThat(f.jobs.describeJobExecution("dev-1", "fw-1", null).status()).isEqualTo(ExecutionStatus.TIMED_OUT);
      assertThat(f.jobs.describeJobExecution("dev-2", "fw-1", null).status()).isEqualTo(ExecutionStatus.QUEUED);
    }
  }
}
