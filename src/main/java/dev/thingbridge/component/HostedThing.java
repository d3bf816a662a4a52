package dev.thingbridge.component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.commands.CommandAgent;
import dev.thingbridge.commands.CommandFormat;
import dev.thingbridge.component.ComponentConfig.Commands;
import dev.thingbridge.component.ComponentConfig.Jobs;
import dev.thingbridge.component.ComponentConfig.Shadows;
import dev.thingbridge.component.events.DeviceEvent;
import dev.thingbridge.component.localapi.CommandClaims;
import dev.thingbridge.component.localapi.JobClaims;
import dev.thingbridge.jobs.JobAgent;
import dev.thingbridge.jobs.JobDocumentType;
import dev.thingbridge.jobs.JobHandler;
import dev.thingbridge.jobs.ProcessJobHandler;
import dev.thingbridge.shadows.Shadow;
import dev.thingbridge.shadows.ShadowDiscovery;
import dev.thingbridge.shadows.ShadowManager;
import dev.thingbridge.shadows.ShadowOptions;
import dev.thingbridge.mcu.FlashJobDocument;
import dev.thingbridge.mcu.McuOtaPlatform;
import dev.thingbridge.transfer.CodeSigningVerifier;
import dev.thingbridge.transfer.OtaJobHandler;
import dev.thingbridge.transfer.OtaPlatform;
import dev.thingbridge.transfer.OtaUpdater;
import dev.thingbridge.transfer.SignatureVerifier;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every agent of one thing, on the component's one connection: the kept shadows (classic, named, and a manager per
 * name prefix), the job agent (OTA jobs first when OTA is on, then the {@link JobRouter}), and the command agent.
 * Each of the three parts is rebuilt on its own when its configuration section changes; a job in progress is
 * resumed from the state directory by the rebuilt agent.
 */
final class HostedThing implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HostedThing.class);
  /** Where the {@code file} of a flash job is looked up, relative to the component's working directory. */
  static final String IMAGE_DIR = "images";

  private final String thing;
  private final HostContext host;
  private ShadowPart shadows;
  private JobsPart jobs;
  private CommandAgent<JsonNode> commands;
  private StartRetries commandRetries;

  HostedThing(String thing, HostContext host) {
    this.thing = thing;
    this.host = host;
  }

  String thing() {
    return thing;
  }

  /** Starts every part the configuration turns on; completes when all are subscribed (failures are logged). */
  CompletableFuture<Void> start(ComponentConfig config) {
    return CompletableFuture.allOf(startShadows(config), startJobs(config), startCommands(config));
  }

  /** Rebuilds the parts whose section changed. */
  CompletableFuture<Void> reconfigure(ComponentConfig old, ComponentConfig next) {
    List<CompletableFuture<Void>> started = new ArrayList<>();
    if (!old.shadows().equals(next.shadows()) || !old.mqtt().equals(next.mqtt())) {
      closeShadows();
      started.add(startShadows(next));
    }
    if (!old.jobs().equals(next.jobs()) || !old.ota().equals(next.ota()) || !old.mqtt().equals(next.mqtt())) {
      closeJobs();
      started.add(startJobs(next));
    }
    if (!old.commands().equals(next.commands()) || !old.mqtt().equals(next.mqtt())) {
      closeCommands();
      started.add(startCommands(next));
    }
    return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
  }

  /** Whether the component keeps this shadow ({@code ""} for the classic one). */
  boolean keeps(String shadow) {
    ShadowPart s = shadows;
    return s != null && s.keeps(shadow);
  }

  // ---- shadows ----

  private record ShadowPart(Shadows settings, List<Shadow<ObjectNode>> kept, List<ShadowManager<ObjectNode>> managers,
      StartRetries retries) {
    boolean keeps(String shadow) {
      if (!settings.enabled()) {
        return false;
      }
      if (shadow.isEmpty()) {
        return settings.classic();
      }
      return settings.names().contains(shadow) || settings.prefixes().stream().anyMatch(shadow::startsWith);
    }
  }

  private CompletableFuture<Void> startShadows(ComponentConfig config) {
    Shadows s = config.shadows();
    List<Shadow<ObjectNode>> kept = new ArrayList<>();
    List<ShadowManager<ObjectNode>> managers = new CopyOnWriteArrayList<>();
    ShadowPart part = new ShadowPart(s, kept, managers, new StartRetries(host.timer()));
    shadows = part;
    if (!s.enabled()) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<?>> syncs = new ArrayList<>();
    List<String> names = new ArrayList<>();
    if (s.classic()) {
      names.add("");
    }
    names.addAll(s.names());
    for (String name : names) {
      Shadow<ObjectNode> shadow = Shadow.untyped(host.shadowMqtt(), thing, host.shadowStore())
          .name(name.isEmpty() ? null : name)
          .requester(host.shadowRequester())
          .options(ShadowOptions.builder().requestTimeout(operationTimeout(config)).build())
          .listener(EventAdapters.shadow(thing, name, host.events(), host.deltas()))
          .build();
      kept.add(shadow);
      syncs.add(retried(part.retries, "shadow " + thing + (name.isEmpty() ? "" : "/" + name) + " sync", shadow::sync));
    }
    for (String prefix : s.prefixes()) {
      int slot = managers.size();
      managers.add(manager(config, prefix));
      boolean[] first = {true};
      // A manager starts once: a failed start is retried by a fresh one in its slot.
      syncs.add(retried(part.retries, "shadows " + thing + "/" + prefix + "* start", () -> {
        synchronized (this) {
          if (shadows != part) {
            return CompletableFuture.failedFuture(new IllegalStateException("the shadows were closed"));
          }
          if (!first[0]) {
            managers.set(slot, manager(config, prefix)).close();
          }
          first[0] = false;
          return managers.get(slot).start();
        }
      }));
    }
    return CompletableFuture.allOf(syncs.toArray(CompletableFuture[]::new));
  }

  private ShadowManager<ObjectNode> manager(ComponentConfig config, String prefix) {
    ShadowManager.Builder<ObjectNode> mb = ShadowManager.untyped(host.shadowMqtt(), prefix).thingName(thing)
        .store(host.shadowStore())
        .requestTimeout(operationTimeout(config))
        .listener(EventAdapters.shadows(thing, prefix, host.events(), host.deltas()));
    ShadowDiscovery discovery = host.discovery(thing);
    if (discovery != null) {
      mb.discovery(discovery);
    }
    return mb.build();
  }

  private static Duration operationTimeout(ComponentConfig config) {
    return Duration.ofSeconds(config.mqtt().operationTimeoutSeconds());
  }

  private synchronized void closeShadows() {
    ShadowPart s = shadows;
    shadows = null;
    if (s != null) {
      s.retries.close();
      s.kept.forEach(Shadow::close);
      s.managers.forEach(ShadowManager::close);
    }
  }

  // ---- jobs ----

  private record JobsPart(JobAgent<JsonNode> agent, OtaUpdater ota, StartRetries retries) {}

  private CompletableFuture<Void> startJobs(ComponentConfig config) {
    Jobs j = config.jobs();
    if (!j.enabled()) {
      return CompletableFuture.completedFuture(null);
    }
    Path handlerDir = j.handlerDir().isEmpty() ? null : host.resolve(j.handlerDir());
    ProcessJobHandler executables = handlerDir == null ? null
        : new ProcessJobHandler(handlerDir, thing, ProcessJobHandler.Events.NONE);
    JobHandler<JsonNode> handler = new JobRouter(thing, host.jobClaims(), executables,
        Duration.ofSeconds(j.claimWaitSeconds()));
    OtaUpdater ota = config.ota().enabled() ? otaUpdater(config) : null;
    if (ota != null) {
      handler = new OtaJobHandler(ota, handler);
    }
    Path stateDir = host.thingState(thing);
    JobAgent.Builder<JsonNode> b = JobAgent.builder(host.mqtt(), JobDocumentType.JSON, handler)
        .thingName(thing)
        .stateDir(stateDir == null ? null : stateDir.resolve("jobs"))
        .replyTimeout(operationTimeout(config))
        .listener(EventAdapters.jobs(thing, host.events()));
    if (j.stepTimeoutSeconds() > 0) {
      b.stepTimeout(Duration.ofSeconds(j.stepTimeoutSeconds()));
    }
    JobAgent<JsonNode> agent = b.build();
    JobsPart part = new JobsPart(agent, ota, new StartRetries(host.timer()));
    jobs = part;
    return retried(part.retries, "jobs of " + thing, agent::start);
  }

  private OtaUpdater otaUpdater(ComponentConfig config) {
    Path stateDir = host.thingState(thing);
    OtaPlatform platform = stateDir == null ? null : host.otaPlatform(thing, stateDir);
    if (platform == null) {
      log.warn("ota: no OTA platform for {}{}; its OTA jobs go to the other handlers", thing,
          stateDir == null ? " (no state directory)" : "");
      return null;
    }
    OtaUpdater.Builder b = OtaUpdater.builder(host.mqtt(), platform, stateDir).thingName(thing)
        .listener(EventAdapters.ota(thing, host.events()));
    SignatureVerifier signed;
    try {
      signed = CodeSigningVerifier.builder().certificate(host.resolve(config.ota().signingCertificate())).build();
    } catch (IOException e) {
      throw new ConfigurationException("configuration: ota.signingCertificate cannot be read: " + e.getMessage());
    }
    if (platform instanceof McuOtaPlatform) {
      // An MCU's thing also takes flash jobs: images by URL, stream or a file under <work>/images.
      b.documentAdapter(FlashJobDocument.FLASH_OR_AFR_OTA).localFiles(host.resolve(IMAGE_DIR))
          .verifier(FlashJobDocument.signedOrPinned(signed));
    } else {
      b.verifier(signed);
    }
    return b.build();
  }

  private void closeJobs() {
    JobsPart j = jobs;
    jobs = null;
    if (j != null) {
      j.retries.close();
      j.agent.close();
      if (j.ota != null) {
        j.ota.close();
      }
    }
  }

  // ---- commands ----

  private CompletableFuture<Void> startCommands(ComponentConfig config) {
    Commands c = config.commands();
    if (!c.enabled()) {
      return CompletableFuture.completedFuture(null);
    }
    CommandClaims claims = host.commandClaims();
    commandRetries = new StartRetries(host.timer());
    commands = CommandAgent.builder(host.mqtt(), JsonNode.class, new CommandRouter(thing, claims, c.nameField()))
        .thing(thing)
        .format(c.format().equals("cbor") ? CommandFormat.CBOR : CommandFormat.JSON)
        .replyTimeout(operationTimeout(config))
        .listener(EventAdapters.commands(thing, host.events(), (id, error) -> claims.reported(thing, id, error)))
        .build();
    return retried(commandRetries, "commands of " + thing, commands::start);
  }

  private void closeCommands() {
    CommandAgent<JsonNode> c = commands;
    commands = null;
    if (commandRetries != null) {
      commandRetries.close();
      commandRetries = null;
    }
    if (c != null) {
      c.close();
    }
  }

  /** Starts a part, retried with backoff while it fails; the first failure is also a component.problem event. */
  private CompletableFuture<Void> retried(StartRetries retries, String what,
      java.util.function.Supplier<CompletableFuture<?>> start) {
    return retries.start(what, start, cause -> host.events().accept(DeviceEvent.of("component", "component.problem",
        thing, "what", what, "cause", String.valueOf(cause.getMessage()))));
  }

  @Override
  public void close() {
    closeCommands();
    closeJobs();
    closeShadows();
  }
}
