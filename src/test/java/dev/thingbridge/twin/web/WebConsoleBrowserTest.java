package dev.thingbridge.twin.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.jobs.JobAgent;
import dev.thingbridge.jobs.JobDocumentType;
import dev.thingbridge.jobs.JobOutcome;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.twin.commands.CommandServiceTopics;
import dev.thingbridge.twin.commands.CommandServiceTopics.PayloadFormat;
import dev.thingbridge.twin.commands.CommandSpec;
import dev.thingbridge.twin.commands.CommandsService;
import dev.thingbridge.twin.commands.DeviceTarget;
import dev.thingbridge.twin.commands.StartCommandExecutionRequest;
import dev.thingbridge.twin.jobs.ExecutionStatus;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.ota.OtaService;
import dev.thingbridge.twin.server.TwinServer;
import dev.thingbridge.twin.shadows.ShadowsService;
import dev.thingbridge.twin.things.ThingsService;
import java.io.File;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The twin's web console in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code .ci/run} installs), against a twin on a free loopback port with a device on the in-process bus
 * running the real jobs agent. Every assertion on the page waits for the page to change by itself: nothing
 * reloads it, so what it shows after the first load came over the event stream.
 */
@Tag("browser")
class WebConsoleBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ChromeDriverService service;
  private static WebDriver browser;

  private final LocalBroker broker = new LocalBroker();
  private final HttpClient http = HttpClient.newHttpClient();
  private MqttClient twinClient;
  private MqttClient device;
  private TwinServer twin;
  private JobAgent<JsonNode> agent;
  private final CountDownLatch finishJob = new CountDownLatch(1);

  @BeforeAll
  static void startBrowser() {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "chromium and chromium-driver are not installed (/usr/bin/chromium, /usr/bin/chromedriver): the web console's "
            + "browser test is skipped; apt-get install chromium chromium-driver (.ci/run does) to run it");
    service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
        .withLogFile(new File("target/chromedriver.log")).build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1400,1200", "--no-first-run", "--disable-extensions");
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
    if (service != null) {
      service.stop();
    }
  }

  @BeforeEach
  void startTwin() throws Exception {
    twinClient = broker.connect("thingbridge-twin");
    twin = TwinServer.start(twinClient, TwinServer.Options.defaults().withApi(InetAddress.getLoopbackAddress(), 0));
    twin.twin().service(ThingsService.class).createThing("dev-1", null, Map.of("site", "lab"));
    twin.twin().service(ShadowsService.class).update("dev-1", null,
        "{\"state\":{\"reported\":{\"temp\":21,\"fan\":\"off\"}}}".getBytes());
    device = broker.connect("dev-1");
    agent = JobAgent.builder(device, JobDocumentType.JSON, job -> {
      job.reportProgress(Map.of("progress", "1/2", "step", "blinking")).get(5, TimeUnit.SECONDS);
      assertThat(finishJob.await(20, TimeUnit.SECONDS)).isTrue();
      return JobOutcome.succeeded(Map.of("blinked", job.document().path("times").asText("?")));
    }).build();
    agent.start().get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void stopTwin() {
    finishJob.countDown();
    if (agent != null) {
      agent.close();
    }
    if (device != null) {
      device.close();
    }
    if (twin != null) {
      twin.close();
    }
    if (twinClient != null) {
      twinClient.close();
    }
  }

  private String page() {
    return twin.controlPlane().orElseThrow().endpoint() + "/";
  }

  /** Clicks the element matching {@code css} once there is one (again if the page re-rendered it meanwhile). */
  private void click(String css) {
    new WebDriverWait(browser, WAIT).withMessage(() -> "nothing to click at " + css)
        .ignoring(StaleElementReferenceException.class)
        .until(d -> {
          List<WebElement> found = d.findElements(By.cssSelector(css));
          if (found.isEmpty()) {
            return false;
          }
          found.get(0).click();
          return true;
        });
  }

  /** Waits until an element matching {@code css} shows {@code expected} (read in one go: the page re-renders). */
  private void waitForText(String css, String expected) {
    new WebDriverWait(browser, WAIT).withMessage(() -> css + " never showed " + expected + "; it shows: " + text(css))
        .until(d -> text(css).contains(expected));
  }

  private String text(String css) {
    Object text = ((JavascriptExecutor) browser).executeScript(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText).join('\\n')", css);
    return String.valueOf(text);
  }

  private void openConsole() {
    browser.get(page());
    new WebDriverWait(browser, WAIT).withMessage("the event stream never opened")
        .until(d -> "live".equals(d.findElement(By.id("connection")).getAttribute("data-state")));
  }

  private int updateShadowThroughTheApi(String thing, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(twin.controlPlane().orElseThrow().endpoint()
        + "/things/" + thing + "/shadow")).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private void fill(String id, String text) {
    WebElement field = browser.findElement(By.id(id));
    field.clear();
    field.sendKeys(text);
  }

  @Test
  void shows_the_twin_live_and_writes_desired_state_and_jobs_through_the_api() throws Exception {
    openConsole();

    // A thing and its shadow, from the snapshot.
    waitForText("#things tr[data-thing='dev-1']", "site=lab");
    waitForText("#shadows [data-thing='dev-1'][data-shadow=''] .reported", "\"temp\": 21");
    assertThat(browser.findElements(By.cssSelector("#shadows [data-thing='dev-1'][data-shadow=''] .delta")))
        .as("no pending delta yet").isEmpty();

    // A desired change made through the API shows up as a pending delta, live.
    assertThat(updateShadowThroughTheApi("dev-1", "{\"state\":{\"desired\":{\"fan\":\"high\"}}}")).isEqualTo(200);
    waitForText("#shadows [data-thing='dev-1'][data-shadow=''] .delta", "\"fan\": \"high\"");
    waitForText("#shadows [data-thing='dev-1'][data-shadow=''] .version", "v2");

    // The page updates a desired state through UpdateThingShadow; the twin's shadow changes.
    fill("desired-thing", "dev-1");
    fill("desired-shadow", "settings");
    fill("desired-json", "{\"mode\": \"eco\", \"interval\": 30}");
    browser.findElement(By.id("desired-submit")).click();
    new WebDriverWait(browser, WAIT).withMessage("the update was not accepted")
        .until(d -> "ok".equals(d.findElement(By.id("desired-result")).getAttribute("data-state")));
    JsonNode settings = twin.twin().service(ShadowsService.class).get("dev-1", "settings");
    assertThat(settings.at("/state/desired/mode").asText()).isEqualTo("eco");
    assertThat(settings.at("/state/desired/interval").asInt()).isEqualTo(30);
    waitForText("#shadows [data-thing='dev-1'][data-shadow='settings'] .delta", "\"mode\": \"eco\"");

    // The page creates a job through CreateJob; the device's agent takes it, reports progress, and completes it.
    fill("job-id", "blink-1");
    fill("job-document", "{\"operation\": \"blink\", \"times\": 3}");
    click("#job-targets input[value='dev-1']");
    browser.findElement(By.id("job-submit")).click();
    new WebDriverWait(browser, WAIT).withMessage(() -> "the job was not created: "
            + browser.findElement(By.id("job-result")).getText())
        .until(d -> "ok".equals(d.findElement(By.id("job-result")).getAttribute("data-state")));
    assertThat(twin.twin().service(JobsService.class).describeJob("blink-1").targets()).hasSize(1);

    String execution = "#jobs tr.execution[data-job='blink-1'][data-thing='dev-1']";
    waitForText(execution + " .exec-status", "IN_PROGRESS");
    waitForText(execution, "blinking");
    waitForText("#ota tr.progress-row[data-job='blink-1']", "1/2");
    assertThat(((JavascriptExecutor) browser).executeScript(
        "return document.querySelector(\"#ota tr.progress-row[data-job='blink-1'] progress\").value")).isEqualTo(1L);

    finishJob.countDown();
    waitForText(execution + " .exec-status", "SUCCEEDED");
    waitForText(execution, "blinked");
    waitForText("#jobs article[data-job='blink-1'] .job-status", "COMPLETED");
    assertThat(twin.twin().service(JobsService.class).describeJobExecution("dev-1", "blink-1", null).status())
        .isEqualTo(ExecutionStatus.SUCCEEDED);

    // A command execution appears, and its status changes when the device answers it.
    CommandsService commands = twin.twin().service(CommandsService.class);
    String commandArn = commands.createCommand(CommandSpec.builder("unlock")
        .payload("{\"door\":1}".getBytes(StandardCharsets.UTF_8), "application/json").build()).commandArn();
    DeviceTarget target = DeviceTarget.thing("dev-1");
    String executionId = commands.startCommandExecution(StartCommandExecutionRequest.of(
        commands.settings().targetArn(target), commandArn).withTimeout(120));
    String commandRow = "#command-executions tr[data-execution='" + executionId + "']";
    waitForText(commandRow, "unlock");
    waitForText(commandRow, "CREATED");
    Subscription replies = device.subscribe("$aws/commands/things/dev-1/executions/+/response/+/json",
        QoS.AT_LEAST_ONCE).get(5, TimeUnit.SECONDS);
    device.publish(MqttMessage.of(CommandServiceTopics.response(target, executionId, PayloadFormat.JSON),
        "{\"status\":\"SUCCEEDED\",\"result\":{\"opened\":{\"b\":true}}}", QoS.AT_LEAST_ONCE))
        .get(5, TimeUnit.SECONDS);
    assertThat(replies.next(WAIT).topic()).endsWith("/response/accepted/json");
    waitForText(commandRow, "SUCCEEDED");
    waitForText(commandRow, "opened");

    Files.write(Path.of("target/web-console.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  @Test
  void an_ota_update_shows_each_targets_progress_live(@TempDir Path dir) throws Exception {
    Path firmware = dir.resolve("fw.bin");
    Files.write(firmware, new byte[4096]);
    ObjectNode body = (ObjectNode) JSON.readTree("{\"protocols\":[\"MQTT\"],\"roleArn\":\"arn:aws:iam::123456789012:role/ota\","
        + "\"files\":[{\"fileName\":\"fw.bin\",\"fileType\":0,\"fileLocation\":{\"s3Location\":{\"bucket\":\"b\",\"key\":"
        + JSON.writeValueAsString(firmware.toString()) + "}},"
        + "\"codeSigning\":{\"customCodeSigning\":{\"signature\":{\"inlineDocument\":\"c2lnbmF0dXJl\"},"
        + "\"certificateChain\":{\"certificateName\":\"codesign.pem\"},\"hashAlgorithm\":\"SHA256\","
        + "\"signatureAlgorithm\":\"ECDSA\"}}}]}");
    body.putArray("targets").add(twin.twin().service(ThingsService.class).registry().thingArn("dev-1"));
    openConsole();

    twin.twin().service(OtaService.class).create("fw-7", body);

    String card = "#ota article[data-ota='fw-7']";
    waitForText(card, "CREATE_COMPLETE");
    waitForText(card, "fw.bin");
    // The device's agent takes the AFR_OTA job and reports its first block of two.
    waitForText(card + " tr.progress-row[data-thing='dev-1']", "1/2");
    waitForText(card + " tr.progress-row[data-thing='dev-1']", "IN_PROGRESS");
    finishJob.countDown();
    waitForText(card + " tr.progress-row[data-thing='dev-1']", "SUCCEEDED");
  }

  @Test
  void markup_in_a_shadow_or_a_job_document_is_shown_as_text_and_never_runs() throws Exception {
    String markup = "<img src=x onerror=\\\"window.pwned=1\\\"><script>window.pwned=2</script>";
    twin.twin().service(ThingsService.class).createThing("evil");
    openConsole();

    assertThat(updateShadowThroughTheApi("evil", "{\"state\":{\"reported\":{\"note\":\"" + markup + "\"}}}"))
        .isEqualTo(200);
    fill("job-id", "markup-job");
    fill("job-document", "{\"operation\": \"</pre><img src=y onerror=window.pwned=3>\"}");
    click("#job-targets input[value='evil']");
    browser.findElement(By.id("job-submit")).click();

    waitForText("#shadows [data-thing='evil'] .reported", "<img src=x onerror=\\\"window.pwned=1\\\"><script>");
    click("#jobs article[data-job='markup-job'] details summary");
    waitForText("#jobs article[data-job='markup-job'] pre", "</pre><img src=y onerror=window.pwned=3>");
    assertThat(browser.findElements(By.cssSelector("main img, main script"))).as("no element made from data").isEmpty();
    assertThat(((JavascriptExecutor) browser).executeScript("return window.pwned === undefined")).isEqualTo(true);
  }
}
