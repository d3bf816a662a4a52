package dev.thingbridge.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.thingbridge.twin.jobs.ExecutionStatus;
import dev.thingbridge.twin.ota.FileServerFaults;
import dev.thingbridge.twin.streams.StreamFaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A download interrupted from outside while the process keeps running: the broker forgets the device's session
 * in the middle of a stream, or the cloud times the job out in the middle of a download.
 */
class OtaInterruptionTest extends OtaBusFixture {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<TransferProgress> progress = new CopyOnWriteArrayList<>();
  private final CompletableFuture<OtaResult> finished = new CompletableFuture<>();

  private void startAgent(String thing, Path state, OtaConfig config) throws Exception {
    startAgent(thing, state, config, new OtaListener() {
      @Override
      public void onProgress(TransferProgress p) {
        progress.add(p);
      }

      @Override
      public void onJobFinished(String jobId, OtaResult result) {
        finished.complete(result);
      }
    });
  }

  private long blocksReceived() {
    return progress.isEmpty() ? 0 : progress.get(progress.size() - 1).blocksReceived();
  }

  private static OtaConfig config() {
    return OtaConfig.defaults().toBuilder().blockSize(1024).requestWait(Duration.ofMillis(500))
        .statusUpdateInterval(Duration.ZERO).build();
  }

  /**
   * Installs "old firmware" as fw.bin on the device, makes an HTTP job of {@code content} for fw.bin (TIMED_OUT after
   * {@code inProgressMinutes} if not null), serves each range after {@code delay}, starts the agent and returns its
   * state directory once 64 blocks are in.
   */
  private Path httpDownloadUnderWay(String thing, String jobId, byte[] content, Integer inProgressMinutes,
      Duration delay) throws Exception {
    cloud.register(thing);
    Path state = dir.resolve("device");
    Files.createDirectories(state.resolve("files"));
    Files.writeString(state.resolve("files/fw.bin"), "old firmware");
    Path file = cloud.writeFile("fw.bin", content);
    cloud.httpJob(thing, jobId, List.of(cloud.fileEntry("fw.bin", file, 0, 0, cloud.sign(file))), List.of(file),
        Duration.ofHours(1), inProgressMinutes);
    cloud.files.faults(FileServerFaults.NONE.withDelay(delay));
    startAgent(thing, state, config().toBuilder().httpBlocksPerRequest(64).build());
    await().atMost(WAIT).until(() -> blocksReceived() >= 64);
    return state;
  }

  @Test
  void a_session_lost_mid_stream_is_renewed_and_the_download_goes_on_from_its_bitmap() throws Exception {
    String thing = "ota-session";
    cloud.register(thing);
    Path state = dir.resolve("device");
    byte[] content = OtaTestbed.randomBytes(500_000, 21);
    Path file = cloud.writeFile("a.bin", content);
    cloud.mqttJob(thing, "session", List.of(cloud.fileEntry("a.bin", file, 0, 3, cloud.sign(file))), List.of(file));
    cloud.streams.faults(StreamFaults.NONE.withDelay(Duration.ofMillis(10)));
    OtaConfig config = config().toBuilder().maxBlocksPerRequest(4).build();
    startAgent(thing, state, config);
    await().atMost(WAIT).until(() -> blocksReceived() > 150);

    // A broker restart without persistence: every client reconnects to a session that holds no subscription.
    broker.stop();
    long before = blocksReceived();
    broker.start(false);

    await().atMost(WAIT).until(() -> cloud.execution(thing, "session").status() == ExecutionStatus.SUCCEEDED);
    assertThat(Files.readAllBytes(state.resolve("files/a.bin"))).isEqualTo(content);
    long total = (content.length + 1023) / 1024;
    assertThat(before).as("the session was lost in the middle of the stream").isBetween(150L, total - 100);
    assertThat(progress.get(progress.size() - 1).resumedBytes()).as("the same run went on").isZero();
    assertThat(cloud.streams.blocksSent() - total).as("blocks the stream sent more than once, of %d", total)
        .isLessThanOrEqualTo(config.windowBlocks());
  }

  /**
   * The cloud ends the job while its file downloads over HTTP: the jobs agent learns it from a describe the service
   * refuses with TerminalStateReached (which carries no state) and from the update it then probes with, whose
   * refusal does; the device's result names the status the cloud gave the job, not UNKNOWN.
   */
  @ParameterizedTest
  @EnumSource(value = ExecutionStatus.class, names = {"TIMED_OUT", "CANCELED"})
  void a_job_ended_in_the_cloud_mid_download_stops_it_cleans_up_keeps_the_old_file_and_sends_nothing_more(
      ExecutionStatus ending) throws Exception {
    String thing = "ota-ended";
    Path state = httpDownloadUnderWay(thing, "slow", OtaTestbed.randomBytes(600_000, 22), 1, Duration.ofMillis(300));

    if (ending == ExecutionStatus.TIMED_OUT) {
      cloud.clock.skip(Duration.ofMinutes(2));
      cloud.twin.tickNow();
    } else {
      cloud.jobs.cancelJob("slow", true, null, "operator changed their mind");
    }
    assertThat(cloud.execution(thing, "slow").status()).isEqualTo(ending);

    OtaResult result = finished.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    int updatesAtEnd = cloud.updatesOf("slow").size();
    assertThat(result.isSuccess()).isFalse();
    assertThat(result.error().code()).isEqualTo(OtaErrorCode.USER_ABORT);
    assertThat(result.error().getMessage()).contains("ended in the cloud (" + ending + ")");
    assertThat(blocksReceived()).as("the download stopped before its end").isLessThan(586);
    await().atMost(WAIT).until(() -> Files.list(state.resolve("ota/downloads")).findAny().isEmpty());
    assertThat(Files.readString(state.resolve("files/fw.bin"))).isEqualTo("old firmware");
    long requests = cloud.files.requests();
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
        cloud.files.requests() == requests && cloud.updatesOf("slow").size() == updatesAtEnd);
    assertThat(cloud.updatesOf("slow")).extracting(OtaTestbed.Update::status).containsOnly("IN_PROGRESS");
    assertThat(cloud.execution(thing, "slow").status()).isEqualTo(ending);
  }

  /**
   * The file server refuses the URL once in the middle of an HTTP download (HTTP 403, as for an expired URL): the
   * device fetches the job's URL anew and goes on where it stopped, with no block fetched twice.
   */
  @Test
  void a_403_mid_download_fetches_the_url_anew_and_resumes_where_it_stopped() throws Exception {
    byte[] content = OtaTestbed.randomBytes(600_000, 23);
    Path state = httpDownloadUnderWay("ota-403", "refused", content, null, Duration.ofMillis(50));
    cloud.files.faults(FileServerFaults.NONE.withDelay(Duration.ofMillis(50)).withFailures(1, 403));

    OtaResult result = finished.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(result.isSuccess()).as("%s", result).isTrue();
    assertThat(Files.readAllBytes(state.resolve("files/fw.bin"))).isEqualTo(content);
    long ranges = (586 + 63) / 64;
    assertThat(cloud.files.requests()).as("the ranges, the refused one and the one asked again")
        .isLessThanOrEqualTo(ranges + 2);
  }

  /**
   * The URL expires in the middle of an HTTP download and the job gives no newer one (the twin signs the URL once):
   * the device fetches the job's URL anew once, is refused again, and fails with url_expired saying so, keeping
   * the installed file.
   */
  @Test
  void a_url_expired_mid_download_with_no_newer_one_fails_with_url_expired_after_one_refresh() throws Exception {
    String thing = "ota-expired";
    Path state = httpDownloadUnderWay(thing, "expiring", OtaTestbed.randomBytes(600_000, 24), null,
        Duration.ofMillis(50));
    long before = cloud.files.requests();
    cloud.files.expireAll();

    OtaResult result = finished.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(result.isSuccess()).isFalse();
    assertThat(result.error().code()).isEqualTo(OtaErrorCode.URL_EXPIRED);
    assertThat(cloud.execution(thing, "expiring").status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(cloud.execution(thing, "expiring").statusDetails()).containsEntry("reason", "url_expired")
        .containsEntry("error_code", "3001")
        .containsEntry("detail", "the pre-signed URL of fw.bin was refused (HTTP 403) again after the job's URL was "
            + "fetched anew");
    // The range in flight at the expiry is answered or refused; after it, at most the refused one and its retry.
    assertThat(cloud.files.requests() - before).as("requests that arrived after the expiry").isBetween(1L, 2L);
    assertThat(Files.readString(state.resolve("files/fw.bin"))).isEqualTo("old firmware");
  }
}
