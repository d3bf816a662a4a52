package dev.thingbridge.twin.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.jobs.JobTopic;
import dev.thingbridge.jobs.JobTopics;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Jobs topics across the two grammars: every request the device formats parses in the twin as the same API and
 * job, and every reply and notification the twin formats parses on the device as the matching kind.
 */
class JobsTopicCrossCheckTest {
  private static final String THING = "gw-1:a_b";

  @Test
  void job_requests_the_device_formats_parse_in_the_twin_and_its_replies_parse_on_the_device() {
    JobTopics device = new JobTopics(THING);
    Map<String, JobsTopic> requests = Map.of(
        device.getPending(), new JobsTopic(THING, JobsTopic.Kind.GET_PENDING, null, device.getPending()),
        device.startNext(), new JobsTopic(THING, JobsTopic.Kind.START_NEXT, null, device.startNext()),
        device.describe("job-1"), new JobsTopic(THING, JobsTopic.Kind.DESCRIBE, "job-1", device.describe("job-1")),
        device.describe(JobTopics.NEXT), new JobsTopic(THING, JobsTopic.Kind.DESCRIBE, JobTopics.NEXT,
            device.describe(JobTopics.NEXT)),
        device.update("job-1"), new JobsTopic(THING, JobsTopic.Kind.UPDATE, "job-1", device.update("job-1")));
    Map<JobsTopic.Kind, JobTopic.Kind[]> replies = Map.of(
        JobsTopic.Kind.GET_PENDING, new JobTopic.Kind[] {JobTopic.Kind.GET_PENDING_ACCEPTED,
            JobTopic.Kind.GET_PENDING_REJECTED},
        JobsTopic.Kind.START_NEXT, new JobTopic.Kind[] {JobTopic.Kind.START_NEXT_ACCEPTED,
            JobTopic.Kind.START_NEXT_REJECTED},
        JobsTopic.Kind.DESCRIBE, new JobTopic.Kind[] {JobTopic.Kind.DESCRIBE_ACCEPTED, JobTopic.Kind.DESCRIBE_REJECTED},
        JobsTopic.Kind.UPDATE, new JobTopic.Kind[] {JobTopic.Kind.UPDATE_ACCEPTED, JobTopic.Kind.UPDATE_REJECTED});
    requests.forEach((topic, expected) -> {
      JobsTopic parsed = JobsTopic.parse(topic);
      assertThat(parsed).as(topic).isEqualTo(expected);
      JobTopic.Kind[] kinds = replies.get(parsed.kind());
      assertThat(JobTopics.parse(parsed.accepted())).as(parsed.accepted())
          .contains(new JobTopic(THING, kinds[0], expected.jobId()));
      assertThat(JobTopics.parse(parsed.rejected())).as(parsed.rejected())
          .contains(new JobTopic(THING, kinds[1], expected.jobId()));
      assertThat(JobTopics.accepted(topic)).isEqualTo(parsed.accepted());
    });
    assertThat(JobTopics.parse(JobsTopic.notify(THING))).contains(new JobTopic(THING, JobTopic.Kind.NOTIFY, null));
    assertThat(JobTopics.parse(JobsTopic.notifyNext(THING)))
        .contains(new JobTopic(THING, JobTopic.Kind.NOTIFY_NEXT, null));
    assertThat(JobsTopic.parse(JobsTopic.notifyNext(THING)).kind()).as("the twin never serves its own notification")
        .isEqualTo(JobsTopic.Kind.OUTBOUND);
  }
}
