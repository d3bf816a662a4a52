package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.testing.ChildProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "One process is the device", tried as a new user tries it: {@code java -jar thingbridge.jar local} with two
 * things and a jobs directory, driven only through the twin's HTTP API. A desired change is applied and
 * acknowledged (no pending delta), a created job runs through the handler executable and ends SUCCEEDED, on both
 * things hosted on one connection, and each step is one event line on standard output.
 */
class LocalDeviceIT {
  private static final String JAR = System.getProperty("thingbridge.jar", "target/thingbridge.jar");
  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration STEP = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void a_desired_change_is_acknowledged_and_a_job_succeeds_through_the_twins_api() throws Exception {
    Path jobs = Files.createDirectories(dir.resolve("jobs"));
    Path hello = jobs.resolve("hello");
    Files.writeString(hello, "#!/bin/sh\necho \"hello from $THINGBRIDGE_JOB_ID on $THINGBRIDGE_THING_NAME\"\n");
    Files.setPosixFilePermissions(hello, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (ChildProcess jar = ChildProcess.start(ChildProcess.javaJar(JAR, "local", "--api-port", "0",
        "--thing", "gw-1,sensor-1", "--handler-dir", jobs.toString(), "--state-dir", dir.resolve("state").toString()))) {
      jar.awaitLine(l -> l.startsWith("ready: 2 things running on one connection"), START);
      Matcher m = Pattern.compile("AWS-compatible API is (http://127\\.0\\.0\\.1:\\d+)").matcher(jar.output());
      assertThat(m.find()).as("the API endpoint in the hints").isTrue();
      String api = m.group(1);

      send("POST", api + "/things/sensor-1/shadow", "{\"state\":{\"desired\":{\"color\":\"green\"}}}");
      jar.awaitLine(l -> l.startsWith("event shadow.delta-applied thing=sensor-1") && l.contains("green"), STEP);
      JsonNode shadow = awaitJson(api + "/things/sensor-1/shadow",
          d -> d.at("/state/reported/color").asText().equals("green") && d.at("/state/delta").isMissingNode());
      assertThat(shadow.at("/state/desired/color").asText()).isEqualTo("green");

      send("PUT", api + "/jobs/hello-1", "{\"targets\":[\"arn:aws:iot:us-east-1:123456789012:thing/gw-1\"],"
          + "\"document\":\"{\\\"operation\\\":\\\"hello\\\"}\"}");
      jar.awaitLine(l -> l.startsWith("event job.finished thing=gw-1 jobId=hello-1 status=SUCCEEDED"), STEP);
      JsonNode execution = awaitJson(api + "/things/gw-1/jobs/hello-1",
          d -> d.at("/execution/status").asText().equals("SUCCEEDED"));
      assertThat(execution.at("/execution/statusDetails/detailsMap/stdout").asText())
          .isEqualTo("hello from hello-1 on gw-1");
      assertThat(jar.output()).contains("event job.started thing=gw-1 jobId=hello-1")
          .doesNotContain("Exception");

      ChildProcess.signal(jar.pid(), "TERM");
      assertThat(jar.awaitExit(Duration.ofSeconds(5))).isEqualTo(143);
    }
  }

  private JsonNode send(String method, String url, String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + url + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private JsonNode awaitJson(String url, java.util.function.Predicate<JsonNode> done) {
    java.util.concurrent.atomic.AtomicReference<JsonNode> last = new java.util.concurrent.atomic.AtomicReference<>();
    await().atMost(STEP).pollInterval(Duration.ofMillis(200)).alias("reached on " + url).until(() -> {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      last.set(JSON.readTree(r.body()));
      return r.statusCode() == 200 && done.test(last.get());
    });
    return last.get();
  }
}
