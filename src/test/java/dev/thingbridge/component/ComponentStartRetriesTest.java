package dev.thingbridge.component;

import static dev.thingbridge.component.SiblingRig.GATEWAY;
import static dev.thingbridge.component.SiblingRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.commands.CommandFormat;
import dev.thingbridge.commands.CommandTopics;
import dev.thingbridge.jobs.JobTopics;
import dev.thingbridge.twin.commands.CommandExecutionStatus;
import dev.thingbridge.twin.jobs.ExecutionStatus;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs and commands agents of a hosted thing start again by themselves (backoff from 1 s) when their first start
 * failed: here the nucleus refuses the agent's first SubscribeToIoTCore as the component starts, and nothing else
 * happens (no publish to the agent, no reconnect, no reconfiguration). Without the retry the agent would stay deaf
 * until the next reconfiguration or restart. (The kept shadows' retry: {@link ComponentConfigurationLiveTest}.)
 */
@Timeout(60)
class ComponentStartRetriesTest {
  @TempDir Path work;
  SiblingRig rig;

  @BeforeEach
  void rig() throws Exception {
    rig = new SiblingRig(work);
  }

  @AfterEach
  void stop() throws Exception {
    rig.close();
  }

  /** Starts the component with its first subscribe to {@code filter} refused; waits for the refusal. */
  private void startWithTheFirstSubscribeRefused(String filter) throws Exception {
    rig.nucleus.failSubscribes(filter, 1);
    rig.startComponent();
    await().atMost(WAIT).until(() -> rig.nucleus.ioTCoreSubscribeRequests(filter) >= 1);
  }

  @Test
  void a_jobs_agent_whose_start_failed_takes_a_queued_job_by_itself() throws Exception {
    String notifyNext = new JobTopics(GATEWAY).notifyNext();
    // Queued before the component starts: only the agent's own request for its next job can find it.
    rig.createJob("queued-early", "{\"operation\":\"nobody-claims-this\"}");
    startWithTheFirstSubscribeRefused(notifyNext);

    await().atMost(WAIT).untilAsserted(() -> assertThat(rig.execution("queued-early").status())
        .as("the retried start asked for the next job and took it").isNotEqualTo(ExecutionStatus.QUEUED));
    assertThat(rig.nucleus.ioTCoreSubscribeRequests(notifyNext)).as("refused, then retried once").isEqualTo(2);
    assertThat(rig.nucleus.openIoTCoreStreams()).contains(notifyNext);
  }

  @Test
  void a_commands_agent_whose_start_failed_answers_commands_by_itself() throws Exception {
    String requests = CommandTopics.forThing(GATEWAY).requestFilter(CommandFormat.JSON);
    startWithTheFirstSubscribeRefused(requests);

    // Nothing reaches the agent: its start is tried again and it subscribes by itself...
    await().atMost(WAIT).until(() -> rig.nucleus.openIoTCoreStreams().contains(requests));
    assertThat(rig.nucleus.ioTCoreSubscribeRequests(requests)).as("refused, then retried once").isEqualTo(2);
    // ...and answers (nobody claimed "blink": REJECTED by the component, not left CREATED).
    String execution = rig.startCommand("blink", "{\"name\":\"blink\"}", 30);
    await().atMost(WAIT).untilAsserted(() -> assertThat(rig.commandExecution(execution).status())
        .isEqualTo(CommandExecutionStatus.REJECTED));
  }
}
