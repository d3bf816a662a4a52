package dev.thingbridge.component;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.component.events.DeviceEvent;
import dev.thingbridge.component.events.DeviceEvents;
import dev.thingbridge.component.localapi.CommandClaims;
import dev.thingbridge.component.localapi.JobClaims;
import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.mqtt.ConnectionListener;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.shadows.ShadowClient;
import dev.thingbridge.shadows.ShadowTopics;
import dev.thingbridge.shadows.store.FileKeyValueStore;
import dev.thingbridge.shadows.store.InMemoryKeyValueStore;
import dev.thingbridge.shadows.store.KeyValueStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "One process is the device": every agent of every thing the component speaks for (the gateway's, the MCUs',
 * the extra {@code things}), on ONE MQTT connection, plus the local API for sibling components, Device Defender,
 * the MCUs and the health shadow. {@code run} hosts it under Greengrass (IPC) and standalone (direct MQTT), and
 * {@code local} on the in-process broker beside the twin. Every event is logged as one line.
 *
 * <p>A changed configuration is applied without a restart ({@link #apply}): each thing's shadows, jobs and
 * commands are rebuilt only when their section changed, things are added and removed, the local API, Defender
 * and the MCUs follow their sections. A job in progress survives a rebuild: its agent resumes it from the state
 * directory.
 *
 * <p>Threads: {@code thingbridge-host} (health reports, configuration changes); every agent owns its own.
 */
public final class DeviceHost implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeviceHost.class);

  private final DeviceHostBuilder settings;
  private final String gateway;
  private final DeviceEvents events;
  private final SharedContext context;
  private final JobClaims jobClaims;
  private final CommandClaims commandClaims;
  private final ScheduledThreadPoolExecutor timer;
  private final Map<String, HostedThing> things = new LinkedHashMap<>();
  private final KeyValueStore shadowStore;
  private final ConnectionListener connectionEvents;
  private final long startedAt = System.currentTimeMillis();
  private volatile ComponentConfig config;
  private volatile MqttClient shadowMqtt;
  private volatile MqttRequester shadowRequester;
  private volatile LocalApiHost localApi;
  private McuFleet mcus;
  private final HostServices services;
  private boolean closed;

  DeviceHost(DeviceHostBuilder b) {
    this.settings = b;
    this.gateway = b.gateway;
    this.config = b.config;
    this.events = b.events;
    Duration lease = Duration.ofSeconds(b.config.localApi().claimLeaseSeconds());
    this.jobClaims = new JobClaims(lease);
    this.commandClaims = new CommandClaims(lease, Duration.ofSeconds(b.config.commands().timeoutSeconds()));
    this.timer = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("thingbridge-host", true));
    timer.setRemoveOnCancelPolicy(true);
    this.shadowStore = b.workDir == null ? new InMemoryKeyValueStore()
        : FileKeyValueStore.open(stateDir(b.config).resolve("shadows"));
    this.context = new SharedContext(this);
    if (b.bus != null) {
      b.bus.onReconnected(this::siblingsReconnected);
    }
    this.services = new HostServices(b.mqtt, gateway, events, timer, this::healthReport);
    this.connectionEvents = new ConnectionListener() {
      @Override
      public void onConnected(boolean sessionPresent) {
        events.accept(DeviceEvent.of("component", "component.connected", gateway, "sessionPresent", sessionPresent));
      }

      @Override
      public void onDisconnected(String reason) {
        events.accept(DeviceEvent.of("component", "component.disconnected", gateway, "reason", reason));
      }
    };
  }

  /**
   * A host on {@code mqtt} (the one connection), speaking for {@code gateway} and the things the configuration
   * adds.
   */
  public static DeviceHostBuilder builder(MqttClient mqtt, String gateway, ComponentConfig config) {
    return new DeviceHostBuilder(mqtt, gateway, config);
  }

  /**
   * Checks what parsing cannot: the files and directories the configuration names exist, and the shadow backend
   * is available here. What {@code SubscribeToValidateConfigurationUpdates} answers with.
   *
   * @throws ConfigurationException naming the key
   */
  public void check(ComponentConfig candidate) {
    ConfigChecks.check(candidate, settings.workDir, settings.shadowBackends);
  }

  /** Starts every agent; completes when each has subscribed (a part that could not start is logged, not fatal). */
  public CompletableFuture<Void> start() {
    check(config);
    settings.mqtt.addConnectionListener(connectionEvents);
    List<CompletableFuture<Void>> started = new ArrayList<>();
    synchronized (this) {
      useShadowBackend(config);
      startMcus(config);
      for (String thing : config.hostedThings(gateway)) {
        HostedThing t = new HostedThing(thing, context);
        things.put(thing, t);
        started.add(t.start(config));
      }
      services.start(config, shadowRequester);
      if (config.localApi().enabled() && settings.bus != null) {
        localApi = new LocalApiHost(settings.bus, config, this);
        started.add(localApi.start());
      }
    }
    log.info("thingbridge host: {} thing(s) on one connection ({}): {}", things.size(), settings.mqtt.clientId(),
        String.join(", ", things.keySet()));
    events.accept(DeviceEvent.of("component", "component.started", gateway, "things", String.join(",", things.keySet()),
        "version", settings.version));
    return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
  }

  /** Applies a changed configuration without a restart (see the class comment). */
  public synchronized CompletableFuture<Void> apply(ComponentConfig next) {
    if (closed) {
      return CompletableFuture.completedFuture(null);
    }
    check(next);
    ComponentConfig old = config;
    config = next;
    List<CompletableFuture<Void>> started = new ArrayList<>();
    if (!old.shadows().backend().equals(next.shadows().backend())) {
      // Everything shadow-related moves to the other backend at once: no shadow is ever synced by both.
      things.values().forEach(HostedThing::close);
      things.clear();
      useShadowBackend(next);
    }
    if (!old.mcus().equals(next.mcus())) {
      stopMcus();
      startMcus(next);
    }
    reconcileThings(old, next, started);
    services.apply(old, next, shadowRequester);
    reconfigureLocalApi(old, next, started);
    if (!old.stateDir().equals(next.stateDir())) {
      log.warn("configuration: stateDir changed; the new directory is used from the next start");
    }
    if (!old.logLevel().equals(next.logLevel())) {
      log.info("configuration: logLevel changed; the recipe passes it to the JVM, so it applies at the next start");
    }
    events.accept(DeviceEvent.of("component", "component.reconfigured", gateway,
        "changes", String.join("; ", next.changesFrom(old))));
    return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
  }

/** Stops the things no longer wanted, reconfigures the others and starts the new ones. */
  private void reconcileThings(ComponentConfig old, ComponentConfig next, List<CompletableFuture<Void>> started) {
    List<String> wanted = next.hostedThings(gateway);
    for (var it = things.entrySet().iterator(); it.hasNext();) {
      var e = it.next();
      if (!wanted.contains(e.getKey())) {
        e.getValue().close();
        it.remove();
        log.info("thingbridge host: no longer hosting {}", e.getKey());
      } else {
        started.add(e.getValue().reconfigure(old, next));
      }
    }
    for (String thing : wanted) {
      if (!things.containsKey(thing)) {
        HostedThing t = new HostedThing(thing, context);
        things.put(thing, t);
        started.add(t.start(next));
      }
    }
  }

  private void reconfigureLocalApi(ComponentConfig old, ComponentConfig next, List<CompletableFuture<Void>> started) {
    if (!old.localApi().equals(next.localApi()) || localApi == null && next.localApi().enabled()) {
      if (localApi != null) {
        localApi.close();
        localApi = null;
      }
      if (next.localApi().enabled() && settings.bus != null) {
        localApi = new LocalApiHost(settings.bus, next, this);
        started.add(localApi.start());
      }
    }
  }

    /**
   * The local bus is back after a loss (a nucleus restart): no sibling could renew a claim meanwhile, and one that
   * renewed just before the component listened again was not heard, so every claim gets a full lease more.
   */
  private void siblingsReconnected() {
    jobClaims.reconnected();
    commandClaims.reconnected();
    LocalApiHost api = localApi;
    if (api != null) {
      api.reconnected();
    }
  }

  private void useShadowBackend(ComponentConfig c) {
    MqttRequester old = shadowRequester;
    if (old != null) {
      old.close();
    }
    MqttClient backend = settings.shadowBackends.apply(c.shadows().backend());
    shadowMqtt = backend == null ? settings.mqtt : backend;
    shadowRequester = new MqttRequester(shadowMqtt);
    if (localApi != null) {
      localApi.shadowBackendChanged();
    }
  }

  /** Opens the MCUs of {@code c}; each reports its firmware in its thing's shadow while shadows are on. */
  private void startMcus(ComponentConfig c) {
    mcus = new McuFleet(c.mcus(), settings.serialPorts, events, thing -> {
      ComponentConfig now = config;
      MqttRequester requester = shadowRequester;
      return !now.shadows().enabled() || requester == null ? null : new ShadowClient(requester,
          ShadowTopics.named(thing, McuShadowReporter.SHADOW), Duration.ofSeconds(now.mqtt().operationTimeoutSeconds()));
    }, context::thingState, timer);
    events.add(mcus);
  }

  private void stopMcus() {
    if (mcus != null) {
      events.remove(mcus);
      mcus.close();
    }
  }

  /** The {@code reported} section of the health shadow, and the local API's {@code component/status}. */
  synchronized ObjectNode healthReport() {
    ObjectNode r = HostStatus.component(settings.componentName, settings.version, startedAt,
        settings.mqtt.state().name().toLowerCase(java.util.Locale.ROOT), config);
    r.set("things", HostStatus.array(things.keySet()));
    r.set("mcus", HostStatus.byId(mcus == null ? HostStatus.array(List.of()) : mcus.list()));
    return r;
  }

  // ---- what the local API reaches through LocalApiHost ----

  String gateway() {
    return gateway;
  }

  synchronized List<String> hostedThings() {
    return List.copyOf(things.keySet());
  }

  ComponentConfig config() {
    return config;
  }

  MqttClient shadowMqtt() {
    return shadowMqtt;
  }

  MqttRequester shadowRequester() {
    return shadowRequester;
  }

  synchronized boolean keeps(String thing, String shadow) {
    HostedThing t = things.get(thing);
    return t != null && t.keeps(shadow);
  }

  JobClaims jobClaims() {
    return jobClaims;
  }

  CommandClaims commandClaims() {
    return commandClaims;
  }

  DeviceEvents events() {
    return events;
  }

  MqttClient mqtt() {
    return settings.mqtt;
  }

  DefenderHost defender() {
    return services.defender();
  }

  synchronized McuFleet mcus() {
    return mcus;
  }

  /** The MCU flashes under way, one line each; empty when none (see {@link ThingBridgeComponent}'s deferral). */
  public List<String> flashesInProgress() {
    McuFleet fleet = mcus();
    return fleet == null ? List.of() : fleet.flashesInProgress();
  }

  // ---- what the shared context reads ----

  DeviceHostBuilder settings() {
    return settings;
  }

  ScheduledExecutorService timer() {
    return timer;
  }

  KeyValueStore shadowStore() {
    return shadowStore;
  }

  LocalApiHost localApi() {
    return localApi;
  }

  /** The things' state directories' root; null when the component keeps no state on disk. */
  Path stateRoot() {
    return settings.workDir == null ? null : stateDir(config);
  }

  /** Stops every agent, the local API, Defender, the MCUs and the health reports; the MQTT client stays open. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (localApi != null) {
        localApi.close();
      }
      services.close();
      things.values().forEach(HostedThing::close);
      things.clear();
      stopMcus();
      if (shadowRequester != null) {
        shadowRequester.close();
      }
    }
    settings.mqtt.removeConnectionListener(connectionEvents);
    timer.shutdownNow();
    try {
      shadowStore.close();
    } catch (Exception e) {
      log.warn("closing the shadow store: {}", e.toString());
    }
  }

  private static Path stateDir(ComponentConfig c, Path workDir) {
    return workDir.resolve(c.stateDir());
  }

  private Path stateDir(ComponentConfig c) {
    return stateDir(c, settings.workDir);
  }
}
