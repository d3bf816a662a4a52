package dev.thingbridge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.TwinScript;
import dev.thingbridge.twin.jobs.JobExecutionDescription;
import dev.thingbridge.twin.jobs.JobRequest;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.shadows.ShadowsService;
import dev.thingbridge.twin.things.ThingRegistry;
import dev.thingbridge.twin.things.ThingsService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The local twin as a device test's cloud on an in-process bus: things, jobs and shadows answered by the real
 * services, with a {@link TwinScript} for the corners a test scripts (replies, faults, recorded requests).
 */
public final class CloudTwin implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long a test waits for a request by default. */
  public static final Duration WAIT = Duration.ofSeconds(5);

  /** Replies, faults and the requests devices sent. */
  public final TwinScript script = new TwinScript();
  private final MqttClient client;
  private final ThingsService things = new ThingsService(new ThingRegistry());
  private final JobsService jobs = new JobsService(things.registry());
  private final Twin twin;

  /** Starts a twin on {@code broker} that knows {@code thingNames}. */
  public CloudTwin(LocalBroker broker, String... thingNames) throws Exception {
    client = broker.connect("cloud-twin");
    twin = Twin.builder(client).tickInterval(Duration.ofHours(1)).script(script).service(things).service(jobs)
        .service(new ShadowsService()).build();
    twin.start().get(5, TimeUnit.SECONDS);
    for (String thing : thingNames) {
      things.createThing(thing);
    }
  }

  public Twin twin() {
    return twin;
  }

  public JobsService jobs() {
    return jobs;
  }

  /** Creates a job for one thing; the twin notifies it if it listens. */
  public void createJob(String thing, String jobId, String document) {
    jobs.createJob(JobRequest.builder(jobId).document(document).target(things.registry().thingArn(thing)).build());
  }

  /** Cancels a job, in progress or not (force), as an operator does in the console. */
  public void cancelJob(String jobId) {
    jobs.cancelJob(jobId, true, null, null);
  }

  public JobExecutionDescription execution(String thing, String jobId) {
    return jobs.describeJobExecution(thing, jobId, null);
  }

  /** The execution's status name, such as {@code SUCCEEDED}. */
  public String jobStatus(String thing, String jobId) {
    return execution(thing, jobId).status().name();
  }

  public Map<String, String> jobDetails(String thing, String jobId) {
    return execution(thing, jobId).statusDetails();
  }

  /**
   * Publishes {@code json} on {@code topic} as the cloud: on a device's request topic another client's request,
   * which the twin's services handle; elsewhere a message only devices hear.
   */
  public void publish(String topic, String json) throws Exception {
    twin.publish(MqttMessage.of(topic, json.getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE))
        .get(5, TimeUnit.SECONDS);
  }

  /** Every request heard on {@code filter}, with its JSON body. */
  public List<Request> requests(String filter) {
    return script.requests(filter).stream().map(Request::of).toList();
  }

  /** The next request on {@code filter} not yet taken, within {@link #WAIT}. */
  public Request awaitRequest(String filter) throws TimeoutException, InterruptedException {
    return Request.of(script.awaitRequest(filter, WAIT));
  }

  /** One request a device sent, with its body parsed ({} when empty). */
  public record Request(String topic, JsonNode body, QoS qos) {
    public static Request of(MqttMessage m) {
      try {
        return new Request(m.topic(), m.payload().length == 0 ? JSON.createObjectNode() : JSON.readTree(m.payload()),
            m.qos());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The request's client token, or null. */
    public String token() {
      return body.path("clientToken").asText(null);
    }
  }

  @Override
  public void close() {
    twin.close();
    client.close();
  }
}
