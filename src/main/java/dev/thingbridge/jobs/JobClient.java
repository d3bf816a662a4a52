package dev.thingbridge.jobs;

import dev.thingbridge.jobs.model.DescribeJobExecutionRequest;
import dev.thingbridge.jobs.model.DescribeJobExecutionResponse;
import dev.thingbridge.jobs.model.GetPendingJobExecutionsRequest;
import dev.thingbridge.jobs.model.GetPendingJobExecutionsResponse;
import dev.thingbridge.jobs.model.StartNextJobExecutionResponse;
import dev.thingbridge.jobs.model.StartNextPendingJobExecutionRequest;
import dev.thingbridge.jobs.model.UpdateJobExecutionRequest;
import dev.thingbridge.jobs.model.UpdateJobExecutionResponse;
import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttRequest;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The four request/response operations of the AWS IoT Jobs MQTT API for one thing: DescribeJobExecution,
 * GetPendingJobExecutions, StartNextPendingJobExecution and UpdateJobExecution
 * (https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html).
 *
 * <p>Each call subscribes its reply topics (once, kept for the client's life), publishes at QoS 1 with a
 * fresh {@code clientToken} unless the request carries one, and completes with the decoded accepted reply;
 * or fails with {@link JobException} (the typed rejection), {@link dev.thingbridge.mqtt.MqttTimeoutException}
 * when no reply came within the timeout, or another {@link dev.thingbridge.mqtt.MqttException}. Bad
 * arguments (a job id over 64 characters) throw at once.
 */
public final class JobClient implements AutoCloseable {
  /** The reply timeout when none is given: 5 s, as rustot and the AWS samples use. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private final MqttRequester requester;
  private final JobTopics topics;
  private final Duration timeout;

  /** A client for {@code thingName} with the default reply timeout. */
  public JobClient(MqttClient mqtt, String thingName) {
    this(mqtt, thingName, DEFAULT_TIMEOUT);
  }

  public JobClient(MqttClient mqtt, String thingName, Duration timeout) {
    this.topics = new JobTopics(thingName);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.requester = new MqttRequester(Objects.requireNonNull(mqtt, "mqtt"));
  }

  public JobTopics topics() {
    return topics;
  }

  public String thingName() {
    return topics.thingName();
  }

  /** The MQTT client requests go through. */
  public MqttClient mqtt() {
    return requester.client();
  }

  /** DescribeJobExecution of a job, or of the next pending one with {@link JobTopics#NEXT}. */
  public CompletableFuture<DescribeJobExecutionResponse> describe(String jobId, DescribeJobExecutionRequest request) {
    String topic = topics.describe(jobId);
    DescribeJobExecutionRequest r = request.clientToken() == null ? request.withClientToken(token()) : request;
    return send(topic, JobCodec.encode(r), topics.describeReplyFilters(), r.clientToken(),
        DescribeJobExecutionResponse.class);
  }

  /** GetPendingJobExecutions: every IN_PROGRESS and QUEUED execution. */
  public CompletableFuture<GetPendingJobExecutionsResponse> pending() {
    GetPendingJobExecutionsRequest r = new GetPendingJobExecutionsRequest(token());
    String topic = topics.getPending();
    return send(topic, JobCodec.encode(r), exact(topic), r.clientToken(), GetPendingJobExecutionsResponse.class);
  }

  /** StartNextPendingJobExecution. */
  public CompletableFuture<StartNextJobExecutionResponse> startNext(StartNextPendingJobExecutionRequest request) {
    StartNextPendingJobExecutionRequest r =
        request.clientToken() == null ? request.withClientToken(token()) : request;
    String topic = topics.startNext();
    return send(topic, JobCodec.encode(r), exact(topic), r.clientToken(), StartNextJobExecutionResponse.class);
  }

  /** UpdateJobExecution. With {@code expectedVersion} set, a stale update fails with VERSION_MISMATCH. */
  public CompletableFuture<UpdateJobExecutionResponse> update(String jobId, UpdateJobExecutionRequest request) {
    String topic = topics.update(jobId);
    UpdateJobExecutionRequest r = request.clientToken() == null ? request.withClientToken(token()) : request;
    return send(topic, JobCodec.encode(r), topics.updateReplyFilters(), r.clientToken(),
        UpdateJobExecutionResponse.class);
  }

  private <T> CompletableFuture<T> send(
      String topic, byte[] payload, List<SubscriptionFilter> filters, String token, Class<T> replyType) {
    MqttRequest request = new MqttRequest(topic, payload, MessageProperties.NONE, JobTopics.accepted(topic),
        JobTopics.rejected(topic), filters, token, timeout);
    return requester.request(request, m -> JobCodec.decode(m.payload(), replyType),
        reply -> toJobException(topic, token, reply));
  }

  private JobException toJobException(String topic, String token, MqttMessage reply) {
    JobErrorResponse error;
    try {
      error = JobCodec.decode(reply.payload(), JobErrorResponse.class);
    } catch (IllegalArgumentException e) {
      error = new JobErrorResponse(JobErrorCode.UNKNOWN, "undecodable error reply: " + reply.payloadAsString(),
          token, null, null);
    }
    return new JobException(thingName(), topic, token, error);
  }

  private static List<SubscriptionFilter> exact(String topic) {
    return List.of(SubscriptionFilter.of(JobTopics.accepted(topic), QoS.AT_LEAST_ONCE),
        SubscriptionFilter.of(JobTopics.rejected(topic), QoS.AT_LEAST_ONCE));
  }

  private String token() {
    return requester.newClientToken(thingName());
  }

  /** Releases the reply subscriptions; pending requests fail with MqttClosedException. */
  @Override
  public void close() {
    requester.close();
  }
}
