package dev.thingbridge.component;

import dev.thingbridge.greengrass.ComponentState;
import dev.thingbridge.greengrass.IpcLifecycle;
import dev.thingbridge.greengrass.IpcStream;
import dev.thingbridge.internal.Futures;
import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.mqtt.MqttClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running thingbridge component: an {@link MqttClient}, the {@link DeviceHost} with every agent on it, the
 * current {@link ComponentConfig}, and, under Greengrass, the nucleus lifecycle. Under Greengrass it rejects a
 * bad configuration before a deployment applies it ({@code SubscribeToValidateConfigurationUpdates}, with the
 * reason), follows configuration updates (a burst of key-path events is debounced, then the whole configuration
 * is re-read, validated and applied to the host without a restart; a bad one is logged and the previous one
 * kept), defers deployments while an MCU is being flashed ({@link UpdateDeferral}) and reports {@code RUNNING}
 * once its subscriptions are in place. {@link #close()} releases everything in
 * well under 3 seconds.
 */
public final class ThingBridgeComponent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ThingBridgeComponent.class);
  /** Deployments change one leaf per event; wait for the burst to end before re-reading. */
  static final Duration DEBOUNCE = Duration.ofMillis(300);

  private final MqttClient mqtt;
  private final DeviceHost host;
  private final IpcLifecycle lifecycle;
  private final List<AutoCloseable> owned;
  private final AtomicReference<ComponentConfig> config;
  private final List<Consumer<ComponentConfig>> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService timer;
  private final Object lock = new Object();
  private ScheduledFuture<?> pendingReload;
  private IpcStream updates;
  private IpcStream validations;
  private UpdateDeferral deferral;
  private boolean closed;

  /**
   * @param initial the configuration read at start
   * @param mqtt the MQTT client; closed by {@link #close()}
   * @param host the agents, built on {@code mqtt} with {@code initial}; closed by {@link #close()}
   * @param lifecycle the nucleus lifecycle calls, or null outside Greengrass
   * @param owned further resources closed last, in reverse order (the IPC connection)
   */
  public ThingBridgeComponent(ComponentConfig initial, MqttClient mqtt, DeviceHost host, IpcLifecycle lifecycle,
      List<AutoCloseable> owned) {
    this.config = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    this.mqtt = Objects.requireNonNull(mqtt, "mqtt");
    this.host = Objects.requireNonNull(host, "host");
    this.lifecycle = lifecycle;
    this.owned = List.copyOf(owned);
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("thingbridge-component", true));
    t.setRemoveOnCancelPolicy(true);
    this.timer = t;
  }

  /**
   * Starts a component outside Greengrass ({@code run} standalone, {@code local}): checks the configuration and
   * starts the agents; on a failure everything given (the MQTT client, the host, {@code owned}) is closed.
   */
  public static ThingBridgeComponent startStandalone(ComponentConfig config, MqttClient mqtt, DeviceHost host,
      List<AutoCloseable> owned, Duration timeout) throws Exception {
    ThingBridgeComponent component = new ThingBridgeComponent(config, mqtt, host, null, owned);
    try {
      host.check(config);
      component.start(timeout);
    } catch (Exception e) {
      component.close();
      throw e;
    }
    return component;
  }

  /**
   * Starts the agents, subscribes to configuration validations and updates and reports RUNNING (under
   * Greengrass). Waits at most {@code timeout} per call; agents that are slow to subscribe (the cloud is
   * unreachable) do not hold the start up, they go on subscribing.
   */
  public void start(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
    try {
      host.start().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException slow) {
      log.warn("some agents are not subscribed after {} ms; they keep trying", timeout.toMillis());
    }
    if (lifecycle != null) {
      validations = lifecycle.subscribeToValidateConfigurationUpdates(this::verdict)
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      updates = lifecycle.subscribeToConfigurationUpdate(List.of(), path -> scheduleReload())
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      deferral = new UpdateDeferral(lifecycle, host::flashesInProgress, host.gateway(), host.events());
      deferral.start().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      lifecycle.updateState(ComponentState.RUNNING).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    log.info("thingbridge running: client {} ({}), local API prefix {}", mqtt.clientId(),
        lifecycle != null ? "greengrass ipc" : "standalone", config.get().localApi().topicPrefix());
  }

  /** The configuration in force. */
  public ComponentConfig config() {
    return config.get();
  }

  /**
   * The verdict on a configuration a deployment proposes: null to accept it, else the reason to reject it (the
   * first bad key, as one line).
   */
  String verdict(java.util.Map<String, Object> proposed) {
    try {
      host.check(ComponentConfig.fromMap(proposed));
      return null;
    } catch (ConfigurationException e) {
      return e.getMessage();
    }
  }

  /** The agents. */
  public DeviceHost host() {
    return host;
  }

  /** The MQTT client the services use. */
  public MqttClient mqtt() {
    return mqtt;
  }

  /** Called with each newly applied configuration, on the component's thread. */
  public void addConfigListener(Consumer<ComponentConfig> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  private void scheduleReload() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      if (pendingReload != null) {
        pendingReload.cancel(false);
      }
      pendingReload = timer.schedule(this::reload, DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void reload() {
    lifecycle.configuration(List.of()).whenCompleteAsync((map, error) -> {
      if (error != null) {
        log.warn("configuration update: could not re-read the configuration: {}",
            Futures.unwrap(error).getMessage());
        return;
      }
      try {
        ComponentConfig next = ComponentConfig.fromMap(map);
        host.check(next);
        apply(next);
      } catch (ConfigurationException e) {
        log.error("configuration update rejected, keeping the previous configuration: {}", e.getMessage());
      }
    }, timer);
  }

  /** Swaps in a new configuration and logs what changed. */
  void apply(ComponentConfig next) {
    ComponentConfig previous = config.getAndSet(next);
    List<String> changes = next.changesFrom(previous);
    if (changes.isEmpty()) {
      log.info("configuration re-read: nothing changed");
      return;
    }
    log.info("configuration applied: {}", String.join(", ", changes));
    host.apply(next).whenComplete((v, e) -> {
      if (e != null) {
        log.warn("configuration applied, but some agents did not start: {}", Futures.unwrap(e).getMessage());
      }
    });
    for (Consumer<ComponentConfig> l : listeners) {
      try {
        l.accept(next);
      } catch (RuntimeException e) {
        log.warn("configuration listener failed: {}", e.toString());
      }
    }
  }

  /** Stops following updates, closes the MQTT client, the owned resources and the component's thread. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (pendingReload != null) {
        pendingReload.cancel(false);
      }
    }
    if (updates != null) {
      updates.close();
    }
    if (validations != null) {
      validations.close();
    }
    if (deferral != null) {
      deferral.close();
    }
    timer.shutdownNow();
    host.close();
    mqtt.close();
    List<AutoCloseable> reverse = new ArrayList<>(owned);
    java.util.Collections.reverse(reverse);
    for (AutoCloseable c : reverse) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("error while stopping: {}", e.toString());
      }
    }
    log.info("thingbridge stopped");
  }
}
