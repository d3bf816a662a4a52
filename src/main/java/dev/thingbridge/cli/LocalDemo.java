package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.component.ComponentConfig;
import dev.thingbridge.mcu.fake.FakeMcu;
import dev.thingbridge.mcu.image.McubootImageBuilder;
import dev.thingbridge.twin.commands.CommandExecutionStatus;
import dev.thingbridge.twin.commands.CommandSpec;
import dev.thingbridge.twin.commands.CommandsService;
import dev.thingbridge.twin.commands.DeviceTarget;
import dev.thingbridge.twin.commands.StartCommandExecutionRequest;
import dev.thingbridge.twin.defender.DefenderService;
import dev.thingbridge.twin.jobs.ExecutionStatus;
import dev.thingbridge.twin.jobs.JobRequest;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.ota.OtaService;
import dev.thingbridge.twin.provisioning.ProvisioningService;
import dev.thingbridge.twin.server.TwinServer;
import dev.thingbridge.twin.shadows.ShadowsService;
import dev.thingbridge.twin.things.ThingsService;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code local --demo}: the main job end to end, unattended. The cloud side is driven through the twin's services
 * (what the AWS console or CLI would do), the device side is the running component and an in-process sibling
 * ({@link DemoSibling}) on the local API. Each step waits for its outcome in the cloud, with a timeout; the
 * summary table lists every step, and the run is OK only if every step is.
 */
final class LocalDemo {
  /** The handler executable the demo's job runs. */
  static final String JOB_OPERATION = "demo-hello";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

  private record Result(String step, boolean ok, String detail, Duration took) {}

  private final TwinServer cloud;
  private final ComponentConfig config;
  private final DemoSibling sibling;
  private final LocalFakeMcus mcus;
  private final Path work;
  private final PrintWriter out;
  private final String gateway;

  LocalDemo(TwinServer cloud, ComponentConfig config, DemoSibling sibling, LocalFakeMcus mcus, Path work,
      PrintWriter out) {
    this.cloud = cloud;
    this.config = config;
    this.sibling = sibling;
    this.mcus = mcus;
    this.work = work;
    this.out = out;
    this.gateway = config.thingName();
  }

  /**
   * The configuration the demo runs on: its job handler directory, Device Defender and provisioning by claim on
   * (the demo asks for a report and a provisioning through the local API).
   */
  static ComponentConfig configure(ComponentConfig c, Path work) throws java.io.IOException {
    ComponentConfig.Jobs j = c.jobs();
    return c.withJobs(new ComponentConfig.Jobs(true, writeHandlers(work.resolve("demo-handlers")).toString(),
            j.stepTimeoutSeconds(), j.claimWaitSeconds()))
        .withDefender(new ComponentConfig.Defender(true, 300, c.defender().format()))
        .withProvisioning(new ComponentConfig.Provisioning(true));
  }

  /** Writes the demo's job handler into {@code dir}, which becomes {@code jobs.handlerDir}. */
  static Path writeHandlers(Path dir) throws java.io.IOException {
    Files.createDirectories(dir);
    Path handler = dir.resolve(JOB_OPERATION);
    Files.writeString(handler, "#!/bin/sh\necho \"hello from job $THINGBRIDGE_JOB_ID on $THINGBRIDGE_THING_NAME\"\n");
    handler.toFile().setExecutable(true);
    return dir;
  }

  /** One step of the scenario: its name in the summary, and what it does (its detail, or an exception). */
  record Step(String name, Callable<String> body) {}

  /** Runs every step, prints the summary; true when all are OK ({@code local --demo} exits 1 otherwise). */
  boolean run() {
    return run(List.of(
        new Step("sibling shadow update", this::siblingShadowUpdate),
        new Step("shadow delta acknowledged", this::deltaAcknowledged),
        new Step("job handled", this::jobHandled),
        new Step("command answered", this::commandAnswered),
        new Step("OTA of the gateway", this::gatewayOta),
        new Step("flash of fake MCU mcu-1", this::mcuFlash),
        new Step("Defender report", this::defenderReport),
        new Step("provisioning by claim", this::provisioningByClaim)), out);
  }

  /** Runs the steps in order, each whatever the one before did, then prints the summary; true when all are OK. */
  static boolean run(List<Step> steps, PrintWriter out) {
    List<Result> results = new ArrayList<>();
    for (Step s : steps) {
      results.add(step(s.name(), s.body(), out));
    }
    return summary(results, out);
  }

  private static Result step(String name, Callable<String> body, PrintWriter out) {
    out.println("demo: " + name + " ...");
    out.flush();
    long started = System.nanoTime();
    String detail;
    boolean ok;
    try {
      detail = body.call();
      ok = true;
    } catch (Exception e) {
      Throwable cause = e.getCause() != null && e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      detail = String.valueOf(cause.getMessage());
      ok = false;
    }
    Result r = new Result(name, ok, detail, Duration.ofNanos(System.nanoTime() - started));
    out.println("demo: " + name + " " + (ok ? "OK" : "FAILED") + ": " + detail);
    out.flush();
    return r;
  }

  private static boolean summary(List<Result> results, PrintWriter out) {
    out.println();
    out.println(String.format("%-28s %-6s %8s  %s", "step", "result", "time", "detail"));
    for (Result r : results) {
      out.println(String.format("%-28s %-6s %7.1fs  %s", r.step, r.ok ? "OK" : "FAILED", r.took.toMillis() / 1000.0,
          r.detail));
    }
    long ok = results.stream().filter(Result::ok).count();
    out.println("demo: " + ok + "/" + results.size() + " steps OK");
    out.flush();
    return ok == results.size();
  }

  // ---- the steps ----

  private String siblingShadowUpdate() throws Exception {
    ObjectNode body = JSON.createObjectNode().put("thing", gateway).put("shadow", "env");
    body.putObject("state").putObject("reported").put("temperature", 21.5);
    JsonNode answer = sibling.call("shadow", "update", body).get();
    ObjectNode doc = cloud.twin().service(ShadowsService.class).get(gateway, "env");
    if (doc.at("/state/reported/temperature").asDouble() != 21.5) {
      throw new IllegalStateException("the twin's shadow does not show it: " + doc);
    }
    return DemoSibling.NAME + " reported temperature=21.5 on " + gateway + "/env (version "
        + answer.path("version").asLong() + ")";
  }

  private String deltaAcknowledged() throws Exception {
    ShadowsService shadows = cloud.twin().service(ShadowsService.class);
    shadows.update(gateway, null, JSON.readTree("{\"state\":{\"desired\":{\"mode\":\"eco\"}}}"));
    await("the component reports mode=eco", () -> {
      ObjectNode doc = shadows.get(gateway, null);
      return doc.at("/state/reported/mode").asText().equals("eco") && doc.at("/state/delta").isMissingNode();
    });
    return "desired mode=eco applied and reported by the component; no delta left";
  }

  private String jobHandled() throws Exception {
    JobsService jobs = cloud.twin().service(JobsService.class);
    String arn = cloud.twin().service(ThingsService.class).registry().thingArn(gateway);
    jobs.createJob(JobRequest.builder("demo-job-1").document("{\"operation\":\"" + JOB_OPERATION + "\"}")
        .target(arn).build());
    await("job demo-job-1 SUCCEEDED", () ->
        jobs.describeJobExecution(gateway, "demo-job-1", null).status() == ExecutionStatus.SUCCEEDED);
    return "demo-job-1 SUCCEEDED: " + jobs.describeJobExecution(gateway, "demo-job-1", null).statusDetails()
        .get("stdout");
  }

  private String commandAnswered() throws Exception {
    sibling.onEvents(event -> {
      if (event.path("type").asText().equals("command.execution")) {
        ObjectNode finish = JSON.createObjectNode().put("thing", event.path("thing").asText())
            .put("executionId", event.path("executionId").asText()).put("status", "SUCCEEDED");
        finish.putObject("result").put("pong", true);
        sibling.call("commands", "finish", finish);
      }
    });
    sibling.call("commands", "claim", JSON.createObjectNode().put("thing", gateway).put("name", "ping")).get();
    CommandsService commands = cloud.twin().service(CommandsService.class);
    var command = commands.createCommand(CommandSpec.builder("DemoPing")
        .payload("{\"name\":\"ping\"}".getBytes(StandardCharsets.UTF_8), "application/json").build());
    String target = commands.settings().targetArn(DeviceTarget.thing(gateway));
    String execution = commands.startCommandExecution(
        StartCommandExecutionRequest.of(target, command.commandArn()).withTimeout(30));
    await("command execution SUCCEEDED", () ->
        commands.commandExecution(execution, target).status() == CommandExecutionStatus.SUCCEEDED);
    return "ping answered by " + DemoSibling.NAME + " (execution " + execution + ")";
  }

  private String gatewayOta() throws Exception {
    Path file = work.resolve("demo").resolve("app-2.0.bin");
    Files.createDirectories(file.getParent());
    Files.write(file, ("thingbridge demo application 2.0\n").repeat(2000).getBytes(StandardCharsets.US_ASCII));
    String jobId = createOta("demo-gateway-ota", gateway, file, "app.bin");
    awaitJob(gateway, jobId);
    return jobId + " SUCCEEDED: " + Files.size(file) + " bytes over MQTT streams, signature checked, installed";
  }

  private String mcuFlash() throws Exception {
    if (mcus == null || mcus.configs().isEmpty()) {
      throw new IllegalStateException("no fake MCU (--fake-mcu 1 or more)");
    }
    ComponentConfig.Mcu mcu = mcus.configs().get(0);
    Path image = work.resolve("demo").resolve("mcu-1.1.0.bin");
    Files.createDirectories(image.getParent());
    Files.write(image, McubootImageBuilder.create().version("1.1.0").randomBody(24 * 1024, 7).build());
    String jobId = createOta("demo-mcu-flash", mcu.thing(), image, "firmware.bin");
    awaitJob(mcu.thing(), jobId);
    FakeMcu fake = mcus.fake(0);
    String running = fake.state().runningVersion().orElse("?");
    if (!running.startsWith("1.1.0") || !fake.state().runningConfirmed()) {
      throw new IllegalStateException("the MCU runs " + running + (fake.state().runningConfirmed() ? "" : ", not "
          + "confirmed"));
    }
    return mcu.id() + " runs " + running + ", confirmed (" + jobId + " SUCCEEDED)";
  }

  private String defenderReport() throws Exception {
    sibling.call("defender", "report", JSON.createObjectNode().put("thing", gateway)).get();
    DefenderService defender = cloud.twin().service(DefenderService.class);
    await("a report accepted by the twin", () -> !defender.reports(gateway).isEmpty());
    return "report " + defender.reports(gateway).get(0).reportId() + " of " + gateway + " accepted";
  }

  private String provisioningByClaim() throws Exception {
    ProvisioningService provisioning = cloud.twin().service(ProvisioningService.class);
    provisioning.createProvisioningTemplate(new ProvisioningService.TemplateRequest("DemoTemplate",
        "{\"Parameters\":{\"Serial\":{\"Type\":\"String\"}},\"Resources\":{"
            + "\"thing\":{\"Type\":\"AWS::IoT::Thing\",\"Properties\":{\"ThingName\":"
            + "{\"Fn::Join\":[\"\",[\"demo-device-\",{\"Ref\":\"Serial\"}]]}}},"
            + "\"certificate\":{\"Type\":\"AWS::IoT::Certificate\",\"Properties\":{\"CertificateId\":"
            + "{\"Ref\":\"AWS::IoT::Certificate::Id\"},\"Status\":\"Active\"}}}}",
        true, "thingbridge demo", null, null));
    ObjectNode body = JSON.createObjectNode().put("templateName", "DemoTemplate");
    body.putObject("parameters").put("Serial", "0001");
    JsonNode r = sibling.call("provisioning", "provision", body).get();
    if (!r.path("thingName").asText().equals("demo-device-0001")) {
      throw new IllegalStateException("provisioned " + r.path("thingName").asText());
    }
    return "thing demo-device-0001 with certificate " + r.path("certificateId").asText().substring(0, 12) + "...";
  }

  // ---- helpers ----

  private String createOta(String id, String thing, Path file, String filepath) {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("targets").add(cloud.twin().service(ThingsService.class).registry().thingArn(thing));
    body.putArray("protocols").add("MQTT");
    body.put("roleArn", "arn:aws:iam::123456789012:role/thingbridge-demo");
    ObjectNode f = body.putArray("files").addObject();
    f.put("fileName", filepath).put("fileType", 0);
    f.putObject("fileLocation").putObject("s3Location").put("bucket", "local")
        .put("key", file.toAbsolutePath().toString());
    f.putObject("codeSigning").putObject("startSigningJobParameter").putObject("signingProfileParameter")
        .put("certificateArn", Path.of(config.ota().signingCertificate()).toAbsolutePath().toUri().toString());
    return cloud.twin().service(OtaService.class).create(id, body).jobId();
  }

  private void awaitJob(String thing, String jobId) throws Exception {
    JobsService jobs = cloud.twin().service(JobsService.class);
    await("job " + jobId + " SUCCEEDED on " + thing, () -> {
      var e = jobs.describeJobExecution(thing, jobId, null);
      if (e.status() == ExecutionStatus.FAILED || e.status() == ExecutionStatus.REJECTED) {
        throw new IllegalStateException(jobId + " " + e.status() + " " + e.statusDetails());
      }
      return e.status() == ExecutionStatus.SUCCEEDED;
    });
  }

  private static void await(String what, BooleanSupplier done) throws Exception {
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (done.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException notYet) {
        if (notYet instanceof IllegalStateException) {
          throw notYet;
        }
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new IllegalStateException("not within " + STEP_TIMEOUT.toSeconds() + " s: " + what);
  }
}
