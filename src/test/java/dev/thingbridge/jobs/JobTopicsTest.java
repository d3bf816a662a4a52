package dev.thingbridge.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.jobs.JobTopic.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class JobTopicsTest {
  private final JobTopics topics = new JobTopics("sensor-17");

  @Test
  void formats_every_request_topic() {
    assertThat(topics.describe("$next")).isEqualTo("$aws/things/sensor-17/jobs/$next/get");
    assertThat(topics.describe("fw-7")).isEqualTo("$aws/things/sensor-17/jobs/fw-7/get");
    assertThat(topics.getPending()).isEqualTo("$aws/things/sensor-17/jobs/get");
    assertThat(topics.startNext()).isEqualTo("$aws/things/sensor-17/jobs/start-next");
    assertThat(topics.update("fw-7")).isEqualTo("$aws/things/sensor-17/jobs/fw-7/update");
    assertThat(topics.notifyTopic()).isEqualTo("$aws/things/sensor-17/jobs/notify");
    assertThat(topics.notifyNext()).isEqualTo("$aws/things/sensor-17/jobs/notify-next");
    assertThat(JobTopics.accepted(topics.update("fw-7"))).isEqualTo("$aws/things/sensor-17/jobs/fw-7/update/accepted");
    assertThat(JobTopics.rejected(topics.getPending())).isEqualTo("$aws/things/sensor-17/jobs/get/rejected");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void every_kind_round_trips_through_format_and_parse(Kind kind) {
    String id = kind.hasJobId() ? (kind.name().startsWith("DESCRIBE") ? "$next" : "fw-7") : null;
    JobTopic t = new JobTopic("sensor-17", kind, id);
    assertThat(JobTopics.parse(t.format())).contains(t);
    if (kind.hasJobId()) {
      JobTopic withId = new JobTopic("sensor-17", kind, "job_A-1");
      assertThat(JobTopics.parse(withId.format())).contains(withId);
    }
  }

  @Test
  void parses_the_job_id_from_reply_topics() {
    assertThat(JobTopics.parse("$aws/things/t:1/jobs/fw-7/update/rejected"))
        .contains(new JobTopic("t:1", Kind.UPDATE_REJECTED, "fw-7"));
    assertThat(JobTopics.parse("$aws/things/t/jobs/$next/get/accepted"))
        .contains(new JobTopic("t", Kind.DESCRIBE_ACCEPTED, "$next"));
    // A job literally named "get" can be described.
    assertThat(JobTopics.parse("$aws/things/t/jobs/get/get")).contains(new JobTopic("t", Kind.DESCRIBE, "get"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "garbage/topic",
      "$aws/things/t/shadow/get",
      "$aws/things/t/jobs",
      "$aws/things/t/jobs/",
      "$aws/things/t/jobs/notify-next/extra",
      "$aws/things/t/jobs/notify-next-namespace-aws-gg-deployment",
      "$aws/things/t/jobs/fw-7/update/maybe",
      "$aws/things/t/jobs/$next/update",
      "$aws/things/t/jobs/bad id/get",
      "$aws/things//jobs/notify",
      "$aws/things/t/jobs/fw-7/delete",
      "$aws/things/t/jobs/a/b/c/d",
  })
  void rejects_what_is_not_a_jobs_topic(String topic) {
    assertThat(JobTopics.parse(topic)).isEmpty();
  }

  @Test
  void thing_names_up_to_128_and_job_ids_up_to_64_are_accepted_longer_fail_with_the_limit() {
    String thing128 = "t".repeat(128);
    String job64 = "j".repeat(64);
    assertThat(new JobTopics(thing128).update(job64)).endsWith("/" + job64 + "/update");
    assertThatThrownBy(() -> new JobTopics("t".repeat(129)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("thing name must be 1-128");
    assertThatThrownBy(() -> topics.update("j".repeat(65)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("job id must be 1-64");
    assertThatThrownBy(() -> topics.update("$next"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("job id");
    assertThatThrownBy(() -> new JobTopics("a/b")).isInstanceOf(IllegalArgumentException.class);
    assertThat(JobTopics.parse("$aws/things/" + "t".repeat(129) + "/jobs/notify")).isEmpty();
  }
}
