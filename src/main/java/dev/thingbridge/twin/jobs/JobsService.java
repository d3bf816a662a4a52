package dev.thingbridge.twin.jobs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.twin.TwinContext;
import dev.thingbridge.twin.TwinOutbox;
import dev.thingbridge.twin.TwinService;
import dev.thingbridge.twin.http.AwsApiException;
import dev.thingbridge.twin.http.Paging;
import dev.thingbridge.twin.http.Route;
import dev.thingbridge.twin.store.StoreReader;
import dev.thingbridge.twin.store.StoreSchema;
import dev.thingbridge.twin.things.ThingRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The cloud side of AWS IoT Jobs: the device MQTT API under {@code $aws/things/{thing}/jobs/} (get,
 * start-next, {jobId}/get, {jobId}/update, with notify and notify-next notifications), step and in-progress
 * timeouts, and the control plane (CreateJob, DescribeJob, CancelJob, DescribeJobExecution,
 * ListJobExecutionsForThing, ListJobExecutionsForJob, CancelJobExecution, DeleteJobExecution,
 * GetJobDocument) as plain Java methods and as HTTP routes shaped like the AWS IoT API.
 *
 * <p>Targets are thing ARNs resolved through the {@link ThingRegistry} given to the constructor (the one the
 * {@code ThingsService} persists). The plain-Java methods run under the twin's lock, publish the
 * notifications they cause, and throw {@link AwsApiException} with AWS's error types. State is kept in the
 * twin's {@code jobs} and {@code job_executions} tables.
 *
 * <p>Known difference: AWS delivers accepted/rejected replies only to the requesting client, even without a
 * subscription; through a broker the twin can only publish them on the reply topic, so a device must
 * subscribe to the replies it wants.
 */
public final class JobsService implements TwinService {
  private final JobsEngine engine;
  private final DeviceRequests device;
  private TwinContext context;

  /** Jobs over this registry with the documented behaviour. */
  public JobsService(ThingRegistry registry) {
    this(registry, JobsSettings.DEFAULT);
  }

  /** Jobs over this registry with these choices. */
  public JobsService(ThingRegistry registry, JobsSettings settings) {
    this.engine = new JobsEngine(Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(settings),
        new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
    this.device = new DeviceRequests(engine);
  }

  @Override
  public String name() {
    return "jobs";
  }

  @Override
  public void attach(TwinContext ctx) {
    this.context = ctx;
  }

  @Override
  public List<SubscriptionFilter> filters() {
    return List.of(SubscriptionFilter.of("$aws/things/+/jobs/#", QoS.AT_LEAST_ONCE));
  }

  /** Device requests only change memory; the commit comes after, off this call. */
  @Override
  public boolean handlesQuickly() {
    return true;
  }

  @Override
  public boolean handle(MqttMessage request, TwinOutbox out) {
    boolean changed = device.handle(request, requireContext().now(), context.limits(), out);
    engine.flush(out);
    return changed;
  }

  @Override
  public void answerInternalFailure(MqttMessage request, TwinOutbox out) {
    device.answerInternalFailure(request, requireContext().now(), out);
  }

  @Override
  public boolean tick(Instant now, TwinOutbox out) {
    boolean changed = engine.tick(now, out);
    engine.flush(out);
    return changed;
  }

  @Override
  public List<Route> routes() {
    return JobsRoutes.of(this);
  }

  // ---- control plane -----------------------------------------------------------------------------

  /**
   * CreateJob: queues an execution on every target thing (each gets {@code notify}, and {@code notify-next}
   * if the job is now at the head of its queue).
   *
   * @throws AwsApiException InvalidRequestException (bad id, document, target or timeout),
   *     ResourceNotFoundException (a target thing is not registered), ResourceAlreadyExistsException
   */
  public Job createJob(JobRequest request) {
    Objects.requireNonNull(request, "request");
    return exclusive(out -> engine.createJob(request, context.now(), out));
  }

  /** DescribeJob; ResourceNotFoundException if absent. */
  public Job describeJob(String jobId) {
    return read(() -> engine.describeJob(jobId));
  }

  /** GetJobDocument: the document as created. */
  public String jobDocument(String jobId) {
    return read(() -> engine.jobDocument(jobId));
  }

  /**
   * CancelJob: QUEUED executions become CANCELED; IN_PROGRESS ones too when {@code force}, else they run on.
   *
   * @param reasonCode optional, {@code [A-Z0-9_]+}
   * @param comment optional
   * @throws AwsApiException ResourceNotFoundException, InvalidRequestException (job COMPLETED, bad reason)
   */
  public Job cancelJob(String jobId, boolean force, String reasonCode, String comment) {
    return exclusive(out -> engine.cancelJob(jobId, force, reasonCode, comment, context.now(), out));
  }

  /**
   * CancelJobExecution: one thing's execution becomes CANCELED (IN_PROGRESS only with {@code force}).
   *
   * @throws AwsApiException ResourceNotFoundException, InvalidStateTransitionException, VersionConflictException
   */
  public JobExecutionDescription cancelJobExecution(String thingName, String jobId, boolean force, Long expectedVersion,
      Map<String, String> statusDetails) {
    return exclusive(out -> engine.cancelJobExecution(thingName, jobId, force, expectedVersion, statusDetails,
        context.now(), out));
  }

  /**
   * DeleteJobExecution: forgets an execution (a pending one only with {@code force}); the device then gets
   * ResourceNotFound for it.
   */
  public void deleteJobExecution(String thingName, String jobId, long executionNumber, boolean force) {
    exclusive(out -> {
      engine.deleteJobExecution(thingName, jobId, executionNumber, force, context.now(), out);
      return null;
    });
  }

  /** DescribeJobExecution ({@code executionNumber} null: the latest). */
  public JobExecutionDescription describeJobExecution(String thingName, String jobId, Long executionNumber) {
    return read(() -> engine.describeJobExecution(thingName, jobId, executionNumber, context.now()));
  }

  /**
   * ListJobExecutionsForThing.
   *
   * @param status only executions in this status, or null for all
   * @param maxResults 1-250, null for 50
   */
  public JobExecutionPage listJobExecutionsForThing(String thingName, ExecutionStatus status, Integer maxResults,
      String nextToken) {
    List<JobExecutionDescription> all = read(() -> engine.executionsOfThing(thingName, status, context.now()));
    Paging.Page<JobExecutionDescription> page = Paging.page(all, maxResults, nextToken, "thing|" + thingName + "|" + status, 50);
    return new JobExecutionPage(page.items(), page.nextToken());
  }

  /** ListJobExecutionsForJob (same paging as {@link #listJobExecutionsForThing}). */
  public JobExecutionPage listJobExecutionsForJob(String jobId, ExecutionStatus status, Integer maxResults,
      String nextToken) {
    List<JobExecutionDescription> all = read(() -> engine.executionsOfJob(jobId, status, context.now()));
    Paging.Page<JobExecutionDescription> page = Paging.page(all, maxResults, nextToken, "job|" + jobId + "|" + status, 50);
    return new JobExecutionPage(page.items(), page.nextToken());
  }

  private <R> R exclusive(Function<TwinOutbox, R> op) {
    return requireContext().exclusive(this, out -> {
      R result = op.apply(out);
      engine.flush(out);
      return result;
    });
  }

  private <R> R read(Supplier<R> op) {
    return requireContext().read(this, op);
  }

  private TwinContext requireContext() {
    if (context == null) {
      throw new IllegalStateException("the jobs service is not part of a twin yet");
    }
    return context;
  }

  @Override
  public StoreSchema schema() {
    return JobsStore.SCHEMA;
  }

  @Override
  public void load(StoreReader store) {
    engine.load(store);
  }

  @Override
  public void importJson(JsonNode state, TwinOutbox out) {
    engine.importJson(state, out);
  }

  @Override
  public JsonNode snapshot() {
    return engine.snapshot();
  }
}
