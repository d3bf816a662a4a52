package dev.thingbridge.twin.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.testing.ForwardingMqttClient;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.things.ThingRegistry;
import dev.thingbridge.twin.things.ThingsService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The jobs service listens to every topic under {@code jobs/} (to answer InvalidTopic), but the twin subscribes
 * with No Local and so never hears its own replies and notifications back: each would cost it a delivery and an
 * acknowledgement per request.
 */
class JobsOwnPublishesTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @Test
  void a_jobs_cycle_reaches_the_twin_as_the_devices_requests_only() throws Exception {
    LocalBroker broker = new LocalBroker();
    List<String> heardByTwin = new CopyOnWriteArrayList<>();
    MqttClient twinClient = new ListeningClient(broker.connect("twin"), heardByTwin);
    MqttClient device = broker.connect("dev-1");
    ThingRegistry registry = new ThingRegistry();
    ThingsService things = new ThingsService(registry);
    JobsService jobs = new JobsService(registry);
    try (Twin twin = Twin.builder(twinClient).tickInterval(Duration.ofHours(1)).service(things).service(jobs)
        .build()) {
      twin.start().get(5, TimeUnit.SECONDS);
      things.createThing("dev-1");
      Subscription replies = device.subscribe(List.of(
          new SubscriptionFilter("$aws/things/dev-1/jobs/#", QoS.AT_LEAST_ONCE, true))).get(5, TimeUnit.SECONDS);
      jobs.createJob(JobRequest.builder("j1").document("{\"operation\":\"x\"}")
          .target(registry.thingArn("dev-1")).build());

      device.publish("$aws/things/dev-1/jobs/start-next", "{}".getBytes(), QoS.AT_LEAST_ONCE, false)
          .get(5, TimeUnit.SECONDS);
      skipTo(replies, "$aws/things/dev-1/jobs/start-next/accepted");
      device.publish("$aws/things/dev-1/jobs/j1/update", "{\"status\":\"SUCCEEDED\"}".getBytes(),
          QoS.AT_LEAST_ONCE, false).get(5, TimeUnit.SECONDS);
      skipTo(replies, "$aws/things/dev-1/jobs/j1/update/accepted");
      device.publish("$aws/things/dev-1/jobs/nonsense/x/y", "{}".getBytes(), QoS.AT_LEAST_ONCE, false)
          .get(5, TimeUnit.SECONDS);
      skipTo(replies, "$aws/things/dev-1/jobs/nonsense/x/y/rejected");

      assertThat(heardByTwin).containsExactly("$aws/things/dev-1/jobs/start-next",
          "$aws/things/dev-1/jobs/j1/update", "$aws/things/dev-1/jobs/nonsense/x/y");
    } finally {
      device.close();
      twinClient.close();
    }
  }

  private static void skipTo(Subscription s, String topic) throws Exception {
    while (!s.next(WAIT).topic().equals(topic)) {
      // notifications before the reply
    }
  }

  /** The twin's real client, with every message its listeners hear written down first. */
  private static final class ListeningClient extends ForwardingMqttClient {
    private final List<String> heard;

    ListeningClient(MqttClient delegate, List<String> heard) {
      super(delegate);
      this.heard = heard;
    }

    @Override
    public CompletableFuture<Subscription> subscribe(List<SubscriptionFilter> filters, SubscriptionListener l) {
      return delegate.subscribe(filters, new SubscriptionListener() {
        @Override
        public void onMessage(MqttMessage message) {
          heard.add(message.topic());
          l.onMessage(message);
        }

        @Override
        public void onSessionLost() {
          l.onSessionLost();
        }
      });
    }
  }
}
