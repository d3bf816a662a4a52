package dev.thingbridge.twin.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The job execution status transition table (aws-protocols.md §2.4): every from/to pair through a device's
 * UpdateJobExecution, allowed or refused with InvalidStateTransition and the execution state.
 */
class JobExecutionTransitionTest {
  private static final Set<ExecutionStatus> DEVICE_TARGETS = EnumSet.of(ExecutionStatus.IN_PROGRESS,
      ExecutionStatus.SUCCEEDED, ExecutionStatus.FAILED, ExecutionStatus.REJECTED);

  /** REMOVED is never a starting point: the twin models no dynamic thing groups, which are what set it. */
  static Stream<Arguments> reachablePairs() {
    return EnumSet.complementOf(EnumSet.of(ExecutionStatus.REMOVED)).stream()
        .flatMap(from -> Stream.of(ExecutionStatus.values()).map(to -> Arguments.of(from, to)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("reachablePairs")
  void a_device_update_follows_the_transition_table(ExecutionStatus from, ExecutionStatus to) throws Exception {
    try (JobsTwinFixture f = new JobsTwinFixture("dev-1")) {
      f.createJob("job");
      bring(f, from);
      long version = f.jobs.describeJobExecution("dev-1", "job", null).versionNumber();
      boolean allowed = !from.isTerminal() && DEVICE_TARGETS.contains(to);
      JsonNode reply = f.request("job/update",
          "{\"status\":\"" + to + "\",\"includeJobExecutionState\":true,\"clientToken\":\"c\"}",
          allowed ? "accepted" : "rejected");
      JobExecutionDescription after = f.jobs.describeJobExecution("dev-1", "job", null);
      if (allowed) {
        assertThat(reply.at("/executionState/status").asText()).isEqualTo(to.name());
        assertThat(after.status()).isEqualTo(to);
        assertThat(after.versionNumber()).isEqualTo(version + 1);
      } else {
        assertThat(reply.get("code").asText()).isEqualTo("InvalidStateTransition");
        assertThat(reply.at("/executionState/status").asText()).isEqualTo(from.name());
        assertThat(reply.at("/executionState/versionNumber").asLong()).isEqualTo(version);
        assertThat(reply.get("clientToken").asText()).isEqualTo("c");
        assertThat(after.status()).isEqualTo(from);
        assertThat(after.versionNumber()).isEqualTo(version);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ExecutionStatus.class)
  void the_rule_allows_device_targets_only_out_of_pending_states(ExecutionStatus from) {
    for (ExecutionStatus to : ExecutionStatus.values()) {
      assertThat(ExecutionStatus.deviceMayMove(from, to)).as("%s -> %s", from, to)
          .isEqualTo(from.isPending() && DEVICE_TARGETS.contains(to));
    }
  }

  /** Puts the fixture's execution of "job" into a status the way AWS gets it there. */
  static void bring(JobsTwinFixture f, ExecutionStatus status) throws Exception {
    switch (status) {
      case QUEUED -> { }
      case IN_PROGRESS, SUCCEEDED, FAILED, REJECTED -> {
        if (status != ExecutionStatus.REJECTED) {
          f.request("job/update", "{\"status\":\"IN_PROGRESS\"}", "accepted");
        }
        if (status != ExecutionStatus.IN_PROGRESS) {
          f.request("job/update", "{\"status\":\"" + status + "\"}", "accepted");
        }
      }
      case TIMED_OUT -> {
        f.request("start-next", "{\"stepTimeoutInMinutes\":1}", "accepted");
        f.advance(Duration.ofMinutes(1));
      }
      case CANCELED -> f.jobs.cancelJob("job", false, null, null);
      case REMOVED -> throw new IllegalArgumentException("the twin never sets REMOVED");
    }
    assertThat(f.jobs.describeJobExecution("dev-1", "job", null).status()).isEqualTo(status);
  }
}
