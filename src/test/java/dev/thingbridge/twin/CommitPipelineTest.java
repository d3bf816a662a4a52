package dev.thingbridge.twin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.twin.store.Migration;
import dev.thingbridge.twin.store.StoreSchema;
import dev.thingbridge.twin.store.Table;
import dev.thingbridge.twin.store.TwinStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Group commit: while one thread commits, others only queue and return; what they queued is committed in one
 * transaction next, and every operation is released (its replies published) in the order it was queued.
 */
class CommitPipelineTest {
  private static final Table ROWS = Table.of("rows", 1, "id", "n");

  @Test
  void operations_queued_during_a_commit_share_the_next_one_and_are_released_in_order() throws Exception {
    ExecutorService pool = Executors.newCachedThreadPool();
    try (TwinStore store = TwinStore.inMemory()) {
      store.migrate(StoreSchema.of("rows", List.of(ROWS), Migration.sql("CREATE TABLE rows (id TEXT PRIMARY KEY, n INTEGER)")));
      CountDownLatch leaderBusy = new CountDownLatch(1);
      CountDownLatch goOn = new CountDownLatch(1);
      List<String> published = Collections.synchronizedList(new ArrayList<>());
      Consumer<MqttMessage> publisher = m -> {
        published.add(m.topic());
        if (m.topic().equals("first")) {
          leaderBusy.countDown();
          await(goOn);
        }
      };
      CommitPipeline pipeline = new CommitPipeline(store, pool, (failed, cause) -> {
        throw new AssertionError("no commit fails here", cause);
      });
      TwinOperation first = op(publisher, "first");
      assertThat(pipeline.submit(first)).isTrue();
      Future<?> leader = pool.submit(pipeline::lead);
      assertThat(leaderBusy.await(5, TimeUnit.SECONDS)).isTrue();

      // The leader is busy: 100 operations queue without waiting and without leading.
      List<TwinOperation> queued = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        TwinOperation op = op(publisher, "op-" + i);
        queued.add(op);
        assertThat(pipeline.submit(op)).isFalse();
      }
      assertThat(queued.get(0).done()).isNotDone();
      goOn.countDown();
      leader.get(5, TimeUnit.SECONDS);

      assertThat(pipeline.commits()).isEqualTo(2);
      List<String> expected = new ArrayList<>(List.of("first"));
      for (int i = 0; i < 100; i++) {
        expected.add("op-" + i);
      }
      assertThat(published).containsExactlyElementsOf(expected);
      assertThat(queued).allSatisfy(op -> assertThat(op.done()).isCompleted());
      long[] count = new long[1];
      store.query("SELECT count(*) AS c FROM rows", r -> count[0] = r.longValue("c"));
      assertThat(count[0]).isEqualTo(101);
    } finally {
      pool.shutdownNow();
    }
  }

  private static TwinOperation op(Consumer<MqttMessage> publisher, String name) {
    TwinOperation op = new TwinOperation(NOTHING, null, publisher);
    op.save(ROWS, name, 1L);
    op.publish(MqttMessage.of(name, new byte[0], QoS.AT_MOST_ONCE));
    return op;
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final TwinService NOTHING = new TwinService() {
    @Override
    public String name() {
      return "nothing";
    }

    @Override
    public List<SubscriptionFilter> filters() {
      return List.of();
    }

    @Override
    public boolean handle(MqttMessage request, TwinOutbox out) {
      return false;
    }

    @Override
    public JsonNode snapshot() {
      return null;
    }
  };
}
