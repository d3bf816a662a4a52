package dev.thingbridge.twin.jobs;

import dev.thingbridge.testing.SteppedClock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.TwinLimits;
import dev.thingbridge.twin.things.ThingRegistry;
import dev.thingbridge.twin.things.ThingsService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A twin with the things and jobs services on an in-process bus, a stepped clock, and one device client
 * that hears everything under its thing's jobs topics (with No Local, so not its own requests).
 */
final class JobsTwinFixture implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(5);
  static final Instant START = Instant.parse("2023-11-14T22:13:20Z"); // epoch second 1700000000
  static final ObjectMapper JSON = new ObjectMapper();

  final LocalBroker broker = new LocalBroker();
  final SteppedClock clock = new SteppedClock(START);
  final MqttClient twinClient;
  final MqttClient device;
  final Twin twin;
  final ThingsService things;
  final JobsService jobs;
  final String thing;
  final Subscription heard;

  JobsTwinFixture(String thing) throws Exception {
    this(thing, null, TwinLimits.RELAXED, JobsSettings.DEFAULT);
  }

  JobsTwinFixture(String thing, Path stateDir, TwinLimits limits, JobsSettings settings) throws Exception {
    this.thing = thing;
    twinClient = broker.connect("twin");
    device = broker.connect(thing);
    ThingRegistry registry = new ThingRegistry();
    things = new ThingsService(registry);
    jobs = new JobsService(registry, settings);
    twin = Twin.builder(twinClient).clock(clock).limits(limits).stateDir(stateDir).tickInterval(Duration.ofHours(1))
        .service(things).service(jobs).build();
    twin.start().get(5, TimeUnit.SECONDS);
    heard = device.subscribe(List.of(new SubscriptionFilter("$aws/things/" + thing + "/jobs/#", QoS.AT_LEAST_ONCE,
        true))).get(5, TimeUnit.SECONDS);
    things.createThing(thing);
  }

  String prefix() {
    return "$aws/things/" + thing + "/jobs/";
  }

  String arn(String thingName) {
    return things.registry().thingArn(thingName);
  }

  /** Creates a job for this fixture's thing with a small document. */
  Job createJob(String jobId) {
    return jobs.createJob(JobRequest.builder(jobId).document("{\"operation\":\"" + jobId + "\"}")
        .target(arn(thing)).build());
  }

  /** Publishes a request under this thing's jobs topics. */
  void publish(String suffix, String payload) throws Exception {
    device.publish(prefix() + suffix, payload.getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false)
        .get(5, TimeUnit.SECONDS);
  }

  /** The next message the device hears; its topic must be {@code prefix + suffix}. */
  JsonNode expect(String suffix) throws Exception {
    MqttMessage m = heard.next(WAIT);
    assertThat(m.topic()).as("topic of %s", m.payloadAsString()).isEqualTo(prefix() + suffix);
    return JSON.readTree(m.payload());
  }

  /** Skips messages until one arrives on {@code prefix + suffix}, and returns it. */
  JsonNode skipTo(String suffix) throws Exception {
    while (true) {
      MqttMessage m = heard.next(WAIT);
      if (m.topic().equals(prefix() + suffix)) {
        return JSON.readTree(m.payload());
      }
    }
  }

  /** Publishes and returns the reply, skipping notifications before it. */
  JsonNode request(String suffix, String payload, String outcome) throws Exception {
    publish(suffix, payload);
    return skipTo(suffix + "/" + outcome);
  }

  /** Publishes and returns the reply, which must arrive on {@code suffix/accepted} or {@code /rejected}. */
  JsonNode call(String suffix, String payload, String outcome) throws Exception {
    publish(suffix, payload);
    return expect(suffix + "/" + outcome);
  }

  /**
   * Proves nothing else was published to the device since the last expectation: a get-pending request
   * is answered in order, so its reply must be the very next message.
   */
  void expectNothingElse() throws Exception {
    call("get", "{\"clientToken\":\"sentinel\"}", "accepted");
  }

  void advance(Duration d) {
    clock.advance(d);
    twin.tickNow();
  }

  static long seconds(Instant t) {
    return t.getEpochSecond();
  }

  @Override
  public void close() {
    heard.close();
    twin.close();
    device.close();
    twinClient.close();
  }
}
