package dev.thingbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AwsNamesTest {
  @Test
  void a_thing_name_is_1_to_128_letters_digits_colons_underscores_and_hyphens() {
    assertThat(AwsNames.isThingName("gw-1:a_B9")).isTrue();
    assertThat(AwsNames.isThingName("x".repeat(128))).isTrue();
    assertThat(AwsNames.isThingName("x".repeat(129))).isFalse();
    assertThat(AwsNames.isThingName("")).isFalse();
    assertThat(AwsNames.isThingName(null)).isFalse();
    assertThat(AwsNames.isThingName("a/b")).isFalse();
    assertThat(AwsNames.isThingName("a.b")).isFalse();
    assertThatThrownBy(() -> AwsNames.requireThingName("a+b")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("thing name must be 1-128 characters of [a-zA-Z0-9:_-]: 'a+b'");
  }

  @Test
  void shadow_names_job_ids_and_execution_ids_have_their_own_lengths_and_characters() {
    assertThat(AwsNames.isShadowName("cfg:1")).isTrue();
    assertThat(AwsNames.isShadowName("x".repeat(65))).isFalse();
    assertThat(AwsNames.isJobId("job_1-a")).isTrue();
    assertThat(AwsNames.isJobId("job:1")).as("no colon in a job id").isFalse();
    assertThat(AwsNames.isJobId("x".repeat(65))).isFalse();
    assertThat(AwsNames.isExecutionId("e-1")).isTrue();
    assertThat(AwsNames.isExecutionId("$next")).isFalse();
    assertThat(AwsNames.isStatusDetailKey("step:1")).isTrue();
    assertThatThrownBy(() -> AwsNames.requireJobId("x".repeat(200))).hasMessageStartingWith("job id must be 1-64")
        .hasMessageEndingWith("...' (200 characters)");
  }

  @Test
  void a_client_id_may_hold_anything_a_topic_level_can_except_a_leading_dollar() {
    assertThat(AwsNames.isClientId("sensor.7 (lab)")).isTrue();
    assertThat(AwsNames.isClientId("$sys")).isFalse();
    assertThat(AwsNames.isClientId("a/b")).isFalse();
    assertThat(AwsNames.isClientId("a+")).isFalse();
    assertThat(AwsNames.isClientId("a\u0000")).isFalse();
    assertThat(AwsNames.isClientId("x".repeat(129))).isFalse();
  }
}
