package dev.thingbridge.mqtt.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thingbridge.mqtt.ConnectionState;
import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttNotConnectedException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The bus's endpoint interface: what a network front-end (the MQTT server) sees of routing. */
class LocalBrokerTest {
  private final AtomicLong nanos = new AtomicLong();
  private final LocalBroker bus = new LocalBroker(nanos::get);

  /** Records what the bus hands an endpoint. */
  private static class Recorder implements LocalBroker.Endpoint {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<MqttMessage> messages = new CopyOnWriteArrayList<>();

    @Override
    public void onPublish(MqttMessage published, List<SubscriptionFilter> matched) {
      messages.add(published);
      events.add("publish " + published.topic() + " via "
          + matched.stream().map(SubscriptionFilter::filter).toList());
    }

    @Override
    public void onRetained(MqttMessage retained, SubscriptionFilter filter) {
      messages.add(retained);
      events.add("retained " + retained.topic() + " for " + filter.filter());
    }

    @Override
    public void onTakenOver() {
      events.add("taken over");
    }
  }

  @Test
  void an_endpoint_gets_the_message_as_published_with_every_matching_filter() {
    Recorder r = new Recorder();
    LocalBroker.Attachment a = bus.attach("remote", r);
    a.subscribe(SubscriptionFilter.of("a/+", QoS.AT_MOST_ONCE), true);
    a.subscribe(SubscriptionFilter.of("a/#", QoS.AT_LEAST_ONCE), true);
    a.subscribe(new SubscriptionFilter("a/b", QoS.AT_LEAST_ONCE, true), true);

    bus.publish(new MqttMessage("a/b", new byte[] {1}, QoS.AT_LEAST_ONCE, true, MessageProperties.NONE));
    a.publish(MqttMessage.of("a/b", "own", QoS.AT_LEAST_ONCE));

    assertThat(r.events).containsExactly("publish a/b via [a/+, a/#, a/b]", "publish a/b via [a/+, a/#]");
    assertThat(r.messages.get(0).retain()).as("the endpoint decides about retain-as-published").isTrue();
  }

  @Test
  void retained_messages_count_their_expiry_down_and_vanish_when_it_runs_out() {
    MessageProperties tenSeconds = MessageProperties.builder().messageExpirySeconds(10L).build();
    bus.publish(new MqttMessage("r/1", "x".getBytes(), QoS.AT_LEAST_ONCE, true, tenSeconds));
    bus.publish(new MqttMessage("r/2", "y".getBytes(), QoS.AT_LEAST_ONCE, true, MessageProperties.NONE));
    Recorder r = new Recorder();
    LocalBroker.Attachment a = bus.attach("remote", r);

    nanos.addAndGet(TimeUnit.SECONDS.toNanos(4));
    a.subscribe(SubscriptionFilter.of("r/#", QoS.AT_MOST_ONCE), true);
    assertThat(r.messages).extracting(m -> m.properties().messageExpirySeconds().orElse(null))
        .containsExactly(6L, null);
    assertThat(r.messages).allSatisfy(m -> {
      assertThat(m.retain()).isTrue();
      assertThat(m.qos()).isEqualTo(QoS.AT_MOST_ONCE);
    });

    nanos.addAndGet(TimeUnit.SECONDS.toNanos(6));
    r.messages.clear();
    a.subscribe(SubscriptionFilter.of("r/+", QoS.AT_LEAST_ONCE), true);
    assertThat(r.messages).extracting(MqttMessage::topic).containsExactly("r/2");

    r.messages.clear();
    a.subscribe(SubscriptionFilter.of("r/2", QoS.AT_LEAST_ONCE), false);
    assertThat(r.messages).as("retained messages only when asked").isEmpty();
  }

  @Test
  void endpoints_and_in_process_clients_take_each_other_over_by_client_id() throws Exception {
    Recorder r = new Recorder();
    LocalBroker.Attachment a = bus.attach("dev-1", r);
    LocalMqttClient local = bus.connect("dev-1");
    assertThat(r.events).containsExactly("taken over");
    assertThat(a.isAttached()).isFalse();
    assertThatThrownBy(() -> a.publish(MqttMessage.of("t", "x", QoS.AT_MOST_ONCE)))
        .isInstanceOf(MqttNotConnectedException.class);
    a.detach(); // harmless after the takeover: the client keeps its place

    Subscription s = local.subscribe("t", QoS.AT_MOST_ONCE).get(5, TimeUnit.SECONDS);
    bus.publish(MqttMessage.of("t", "still here", QoS.AT_MOST_ONCE));
    assertThat(s.next(Duration.ofSeconds(5)).payloadAsString()).isEqualTo("still here");

    Recorder second = new Recorder();
    bus.attach("dev-1", second);
    assertThat(local.state()).isEqualTo(ConnectionState.CONNECTING);
    local.close();
  }

  @Test
  void stopping_and_starting_the_bus_reaches_endpoints() {
    List<String> lifecycle = new CopyOnWriteArrayList<>();
    LocalBroker.Attachment a = bus.attach("remote", new Recorder() {
      @Override
      public void onBusStopped() {
        lifecycle.add("stopped");
      }

      @Override
      public void onBusStarted(boolean sessionKept) {
        lifecycle.add("started " + sessionKept);
      }
    });
    bus.stop();
    assertThatThrownBy(() -> a.subscribe(SubscriptionFilter.of("x", QoS.AT_MOST_ONCE), true))
        .isInstanceOf(MqttNotConnectedException.class);
    bus.start(false);
    assertThat(lifecycle).containsExactly("stopped", "started false");
  }
}
