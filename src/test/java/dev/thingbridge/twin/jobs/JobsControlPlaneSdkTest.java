package dev.thingbridge.twin.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.twin.http.ControlPlaneServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iot.IotClient;
import software.amazon.awssdk.services.iot.model.AttributePayload;
import software.amazon.awssdk.services.iot.model.CreateJobResponse;
import software.amazon.awssdk.services.iot.model.DescribeJobExecutionResponse;
import software.amazon.awssdk.services.iot.model.DescribeJobResponse;
import software.amazon.awssdk.services.iot.model.DescribeThingResponse;
import software.amazon.awssdk.services.iot.model.InvalidRequestException;
import software.amazon.awssdk.services.iot.model.InvalidStateTransitionException;
import software.amazon.awssdk.services.iot.model.IotException;
import software.amazon.awssdk.services.iot.model.JobExecutionStatus;
import software.amazon.awssdk.services.iot.model.JobStatus;
import software.amazon.awssdk.services.iot.model.ListJobExecutionsForJobResponse;
import software.amazon.awssdk.services.iot.model.ListJobExecutionsForThingResponse;
import software.amazon.awssdk.services.iot.model.ListThingsResponse;
import software.amazon.awssdk.services.iot.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.iot.model.ResourceNotFoundException;
import software.amazon.awssdk.services.iot.model.TargetSelection;
import software.amazon.awssdk.services.iot.model.VersionConflictException;

/** The things and jobs control plane driven by the AWS SDK v2 IotClient over HTTP, and a full job end to end. */
class JobsControlPlaneSdkTest {
  private JobsTwinFixture f;
  private ControlPlaneServer http;
  private IotClient iot;

  @BeforeEach
  void start() throws Exception {
    f = new JobsTwinFixture("dev-1");
    http = ControlPlaneServer.startOnLoopback(0, f.twin.routes());
    iot = IotClient.builder().endpointOverride(http.endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTWIN", "twin-secret")))
        .httpClient(UrlConnectionHttpClient.create()).build();
  }

  @AfterEach
  void stop() {
    iot.close();
    http.close();
    f.close();
  }

  private String document(String op) {
    return "{\"operation\":\"" + op + "\"}";
  }

  @Test
  void things_are_created_described_and_listed_with_attribute_filters_and_pages() {
    var created = iot.createThing(b -> b.thingName("sensor-2")
        .attributePayload(AttributePayload.builder().attributes(Map.of("site", "berlin", "rev", "b")).build()));
    assertThat(created.thingArn()).isEqualTo("arn:aws:iot:us-east-1:123456789012:thing/sensor-2");
    assertThat(created.thingId()).isNotBlank();
    iot.createThing(b -> b.thingName("sensor-3")
        .attributePayload(AttributePayload.builder().attributes(Map.of("site", "paris")).build()));

    DescribeThingResponse d = iot.describeThing(b -> b.thingName("sensor-2"));
    assertThat(d.thingName()).isEqualTo("sensor-2");
    assertThat(d.thingId()).isEqualTo(created.thingId());
    assertThat(d.thingArn()).isEqualTo(created.thingArn());
    assertThat(d.version()).isEqualTo(1L);
    assertThat(d.attributes()).containsEntry("site", "berlin").containsEntry("rev", "b");
    assertThat(d.defaultClientId()).isEqualTo("sensor-2");

    ListThingsResponse berlin = iot.listThings(b -> b.attributeName("site").attributeValue("berlin"));
    assertThat(berlin.things()).extracting(t -> t.thingName()).containsExactly("sensor-2");
    ListThingsResponse first = iot.listThings(b -> b.maxResults(2));
    assertThat(first.things()).extracting(t -> t.thingName()).containsExactly("dev-1", "sensor-2");
    ListThingsResponse second = iot.listThings(b -> b.maxResults(2).nextToken(first.nextToken()));
    assertThat(second.things()).extracting(t -> t.thingName()).containsExactly("sensor-3");
    assertThat(second.nextToken()).isNull();
    assertThat(iot.listThingsPaginator(b -> b.maxResults(1)).things()).hasSize(3);

    // Creating the same thing again is idempotent; with other attributes it is a conflict.
    assertThat(iot.createThing(b -> b.thingName("sensor-3")
        .attributePayload(AttributePayload.builder().attributes(Map.of("site", "paris")).build())).thingId())
        .isEqualTo(iot.describeThing(b -> b.thingName("sensor-3")).thingId());
    assertThatThrownBy(() -> iot.createThing(b -> b.thingName("sensor-3")))
        .isInstanceOf(ResourceAlreadyExistsException.class).satisfies(e -> assertStatus(e, 409));
    assertThatThrownBy(() -> iot.describeThing(b -> b.thingName("ghost")))
        .isInstanceOf(ResourceNotFoundException.class).satisfies(e -> assertStatus(e, 404));
    assertThatThrownBy(() -> iot.createThing(b -> b.thingName("bad name!")))
        .isInstanceOf(InvalidRequestException.class).satisfies(e -> assertStatus(e, 400));
    assertThatThrownBy(() -> iot.listThings(b -> b.nextToken("garbage")))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void create_describe_and_inspect_a_job_and_its_executions() {
    iot.createThing(b -> b.thingName("dev-2"));
    CreateJobResponse created = iot.createJob(b -> b.jobId("fw-1").document(document("update"))
        .description("firmware 1.2.3").targetSelection(TargetSelection.SNAPSHOT)
        .targets(f.arn("dev-1"), f.arn("dev-2")).timeoutConfig(t -> t.inProgressTimeoutInMinutes(30L)));
    assertThat(created.jobArn()).isEqualTo("arn:aws:iot:us-east-1:123456789012:job/fw-1");
    assertThat(created.jobId()).isEqualTo("fw-1");
    assertThat(created.description()).isEqualTo("firmware 1.2.3");

    DescribeJobResponse job = iot.describeJob(b -> b.jobId("fw-1"));
    assertThat(job.job().status()).isEqualTo(JobStatus.IN_PROGRESS);
    assertThat(job.job().targets()).containsExactly(f.arn("dev-1"), f.arn("dev-2"));
    assertThat(job.job().targetSelection()).isEqualTo(TargetSelection.SNAPSHOT);
    assertThat(job.job().createdAt()).isEqualTo(JobsTwinFixture.START);
    assertThat(job.job().timeoutConfig().inProgressTimeoutInMinutes()).isEqualTo(30L);
    assertThat(job.job().jobProcessDetails().numberOfQueuedThings()).isEqualTo(2);
    assertThat(iot.getJobDocument(b -> b.jobId("fw-1")).document()).isEqualTo(document("update"));

    DescribeJobExecutionResponse exec = iot.describeJobExecution(b -> b.thingName("dev-1").jobId("fw-1")
        .executionNumber(1L));
    assertThat(exec.execution().status()).isEqualTo(JobExecutionStatus.QUEUED);
    assertThat(exec.execution().thingArn()).isEqualTo(f.arn("dev-1"));
    assertThat(exec.execution().versionNumber()).isEqualTo(1L);
    assertThat(exec.execution().queuedAt()).isEqualTo(JobsTwinFixture.START);
    assertThatThrownBy(() -> iot.describeJobExecution(b -> b.thingName("dev-1").jobId("fw-1").executionNumber(2L)))
        .isInstanceOf(ResourceNotFoundException.class);

    ListJobExecutionsForJobResponse page1 = iot.listJobExecutionsForJob(b -> b.jobId("fw-1").maxResults(1));
    assertThat(page1.executionSummaries()).singleElement()
        .satisfies(s -> assertThat(s.thingArn()).isEqualTo(f.arn("dev-1")))
        .satisfies(s -> assertThat(s.jobExecutionSummary().status()).isEqualTo(JobExecutionStatus.QUEUED));
    ListJobExecutionsForJobResponse page2 = iot.listJobExecutionsForJob(b -> b.jobId("fw-1").maxResults(1)
        .nextToken(page1.nextToken()));
    assertThat(page2.executionSummaries()).extracting(s -> s.thingArn()).containsExactly(f.arn("dev-2"));
    assertThat(page2.nextToken()).isNull();

    iot.createJob(b -> b.jobId("cfg-2").document(document("cfg")).targets(f.arn("dev-1")));
    iot.cancelJobExecution(b -> b.thingName("dev-1").jobId("cfg-2").statusDetails(Map.of("by", "operator")));
    ListJobExecutionsForThingResponse all = iot.listJobExecutionsForThing(b -> b.thingName("dev-1"));
    assertThat(all.executionSummaries()).extracting(s -> s.jobId()).containsExactly("fw-1", "cfg-2");
    ListJobExecutionsForThingResponse canceled = iot.listJobExecutionsForThing(b -> b.thingName("dev-1")
        .status(JobExecutionStatus.CANCELED));
    assertThat(canceled.executionSummaries()).extracting(s -> s.jobId()).containsExactly("cfg-2");
    assertThat(canceled.executionSummaries().get(0).jobExecutionSummary().executionNumber()).isEqualTo(1L);
    assertThatThrownBy(() -> iot.cancelJobExecution(b -> b.thingName("dev-1").jobId("cfg-2")))
        .isInstanceOf(InvalidStateTransitionException.class).satisfies(e -> assertStatus(e, 409));
    iot.deleteJobExecution(b -> b.thingName("dev-1").jobId("cfg-2").executionNumber(1L));
    assertThatThrownBy(() -> iot.describeJobExecution(b -> b.thingName("dev-1").jobId("cfg-2")))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void cancel_job_through_the_sdk_sends_force_reason_and_comment() {
    iot.createJob(b -> b.jobId("fw-1").document(document("update")).targets(f.arn("dev-1")));
    f.jobs.cancelJobExecution("dev-1", "fw-1", false, null, null);
    iot.createJob(b -> b.jobId("fw-2").document(document("update")).targets(f.arn("dev-1")));
    f.jobs.describeJobExecution("dev-1", "fw-2", null);
    var response = iot.cancelJob(b -> b.jobId("fw-2").force(true).reasonCode("SUPERSEDED").comment("use fw-3"));
    assertThat(response.jobArn()).endsWith(":job/fw-2");
    var job = iot.describeJob(b -> b.jobId("fw-2")).job();
    assertThat(job.status()).isEqualTo(JobStatus.CANCELED);
    assertThat(job.forceCanceled()).isTrue();
    assertThat(job.reasonCode()).isEqualTo("SUPERSEDED");
    assertThat(job.comment()).isEqualTo("use fw-3");
    assertThat(job.jobProcessDetails().numberOfCanceledThings()).isEqualTo(1);
    assertThat(iot.describeJob(b -> b.jobId("fw-1")).job().status()).isEqualTo(JobStatus.COMPLETED);
    assertThatThrownBy(() -> iot.cancelJob(b -> b.jobId("fw-1"))).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> iot.cancelJob(b -> b.jobId("nope"))).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void create_job_refuses_what_aws_refuses() {
    iot.createJob(b -> b.jobId("fw-1").document(document("x")).targets(f.arn("dev-1")));
    assertThatThrownBy(() -> iot.createJob(b -> b.jobId("fw-1").document(document("x")).targets(f.arn("dev-1"))))
        .isInstanceOf(ResourceAlreadyExistsException.class).satisfies(e -> assertStatus(e, 409));
    assertThatThrownBy(() -> iot.createJob(b -> b.jobId("fw-2").document("not json").targets(f.arn("dev-1"))))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> iot.createJob(b -> b.jobId("fw-2").document("[1]").targets(f.arn("dev-1"))))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> iot.createJob(b -> b.jobId("fw-2")
        .document("{\"pad\":\"" + "x".repeat(32 * 1024) + "\"}").targets(f.arn("dev-1"))))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> iot.createJob(b -> b.jobId("fw-2").document(document("x")).targets(f.arn("ghost"))))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> iot.createJob(b -> b.jobId("fw-2").document(document("x"))
        .targets("arn:aws:iot:us-east-1:123456789012:thinggroup/fleet"))).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> iot.createJob(b -> b.jobId("bad id").document(document("x")).targets(f.arn("dev-1"))))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> iot.createJob(b -> b.jobId("fw-2").document(document("x")).targets(f.arn("dev-1"))
        .timeoutConfig(t -> t.inProgressTimeoutInMinutes(10081L)))).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> iot.createJob(b -> b.jobId("fw-2").documentSource("https://s3/doc.json")
        .targets(f.arn("dev-1")))).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> iot.describeJob(b -> b.jobId("nope"))).isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> iot.listJobExecutionsForThing(b -> b.thingName("dev-1").maxResults(0)))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void a_job_created_through_the_sdk_runs_to_completion_on_a_device() throws Exception {
    iot.createJob(b -> b.jobId("ota-1").document(document("update")).targets(f.arn("dev-1")));
    f.expect("notify");
    JsonNode next = f.expect("notify-next");
    assertThat(next.at("/execution/jobId").asText()).isEqualTo("ota-1");
    assertThat(next.at("/execution/jobDocument/operation").asText()).isEqualTo("update");

    f.clock.advance(Duration.ofSeconds(10));
    JsonNode started = f.call("start-next", "{\"clientToken\":\"s\"}", "accepted");
    assertThat(started.at("/execution/status").asText()).isEqualTo("IN_PROGRESS");
    f.expect("notify");
    f.call("ota-1/update", "{\"status\":\"IN_PROGRESS\",\"statusDetails\":{\"receive\":\"64/176\"},"
        + "\"expectedVersion\":2}", "accepted");
    f.clock.advance(Duration.ofSeconds(10));
    f.call("ota-1/update", "{\"status\":\"SUCCEEDED\",\"statusDetails\":{\"reason\":\"accepted  v1.2.3\"},"
        + "\"expectedVersion\":3}", "accepted");
    f.expect("notify");
    assertThat(f.expect("notify-next").has("execution")).isFalse();

    var exec = iot.describeJobExecution(b -> b.thingName("dev-1").jobId("ota-1")).execution();
    assertThat(exec.status()).isEqualTo(JobExecutionStatus.SUCCEEDED);
    assertThat(exec.statusDetails().detailsMap()).isEqualTo(Map.of("reason", "accepted  v1.2.3"));
    assertThat(exec.startedAt()).isEqualTo(JobsTwinFixture.START.plusSeconds(10));
    assertThat(exec.lastUpdatedAt()).isEqualTo(JobsTwinFixture.START.plusSeconds(20));
    assertThat(exec.versionNumber()).isEqualTo(4L);
    var job = iot.describeJob(b -> b.jobId("ota-1")).job();
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.completedAt()).isEqualTo(JobsTwinFixture.START.plusSeconds(20));
    assertThat(job.jobProcessDetails().numberOfSucceededThings()).isEqualTo(1);
    assertThat(job.jobProcessDetails().processingTargets()).isEmpty();
    assertThat(iot.listJobExecutionsForThing(b -> b.thingName("dev-1")).executionSummaries())
        .extracting(s -> s.jobExecutionSummary().status()).containsExactly(JobExecutionStatus.SUCCEEDED);
  }

  @Test
  void version_conflicts_on_cancel_job_execution_are_409() {
    iot.createJob(b -> b.jobId("fw-1").document(document("x")).targets(f.arn("dev-1")));
    assertThatThrownBy(() -> iot.cancelJobExecution(b -> b.thingName("dev-1").jobId("fw-1").expectedVersion(5L)))
        .isInstanceOf(VersionConflictException.class).satisfies(e -> assertStatus(e, 409));
    assertThat(List.of(f.jobs.describeJobExecution("dev-1", "fw-1", null).status()))
        .containsExactly(dev.thingbridge.twin.jobs.ExecutionStatus.QUEUED);
  }

  private static void assertStatus(Throwable e, int status) {
    assertThat(((IotException) e).statusCode()).isEqualTo(status);
  }
}
