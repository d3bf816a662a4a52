package dev.thingbridge.testing.nucleus;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.thingbridge.mqtt.MqttClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.awaitility.core.ConditionTimeoutException;
import software.amazon.awssdk.crt.eventstream.ServerConnection;
import software.amazon.awssdk.crt.eventstream.ServerConnectionHandler;
import software.amazon.awssdk.crt.eventstream.ServerListener;
import software.amazon.awssdk.crt.eventstream.ServerListenerHandler;
import software.amazon.awssdk.crt.io.EventLoopGroup;
import software.amazon.awssdk.crt.io.ServerBootstrap;
import software.amazon.awssdk.crt.io.SocketOptions;

/**
 * A Greengrass nucleus for tests: the real eventstream RPC protocol on a Unix socket (aws-crt's server), so the
 * unmodified {@code GreengrassCoreIPCClientV2}, in-process or in a child {@code java -jar}, talks to it as to
 * the nucleus. It serves one component described by a recipe (name, DefaultConfiguration, accessControl) and
 * follows the nucleus' rules where a component must cope with them: token check on connect, accessControl
 * ({@code UnauthorizedError}), required fields, the 128 KiB publish limit, "success = spooled", drop of IoT Core
 * messages that arrive before the subscribe response, Double numbers in GetConfiguration, key-path-only
 * configuration events, DeferComponentUpdate only after SubscribeToComponentUpdates.
 *
 * <p>IoT Core traffic goes to an upstream {@link MqttClient} (a LocalBroker client or Mosquitto through the
 * direct backend). Fault hooks: {@link #dropConnections()}, {@link #delayAnswers}, {@link #neverAnswer},
 * {@link #failSubscribes}.
 */
public final class FakeNucleus implements AutoCloseable {
  /** The nucleus' default {@code mqtt.maxMessageSizeInBytes}. */
  public static final int MAX_PUBLISH_BYTES = 128 * 1024;

  private final Path socketDir;
  private final String socketPath;
  /** The component under test (from the recipe); siblings follow. */
  private final Component main;
  private final Map<String, Component> components = new ConcurrentHashMap<>();
  private final IotCoreRouter router;
  /** The cloud side; the nucleus owns it and closes it with itself. */
  private final MqttClient upstream;
  private final FakeShadowManager shadowManager;
  final List<ValidityReport> validityReports = new CopyOnWriteArrayList<>();
  private final EventLoopGroup eventLoop;
  private final ServerBootstrap bootstrap;
  private final SocketOptions socketOptions;
  private final ServerListener listener;
  final ScheduledExecutorService scheduler;
  final Set<NucleusConnection> connections = ConcurrentHashMap.newKeySet();
  final Map<String, Duration> delays = new ConcurrentHashMap<>();
  final Set<String> unanswered = ConcurrentHashMap.newKeySet();
  final List<String> states = new CopyOnWriteArrayList<>();
  final List<Deferral> deferrals = new CopyOnWriteArrayList<>();
  final AtomicInteger droppedBeforeResponse = new AtomicInteger();
  volatile boolean refusing;
  /** Components whose connections are refused until {@link #acceptConnections()}, the others being accepted. */
  final Set<String> refusedComponents = ConcurrentHashMap.newKeySet();
  /** Connections accepted so far, by component. */
  final Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
  /** PublishToTopic messages routed so far, by topic. */
  final Map<String, AtomicInteger> localPublishes = new ConcurrentHashMap<>();
  final AtomicInteger ioTCoreSubscribeRequests = new AtomicInteger();
  /** SubscribeToIoTCore requests still to be refused, by exact filter. */
  final Map<String, Integer> subscribeFailures = new ConcurrentHashMap<>();
  /** SubscribeToIoTCore requests received, by exact filter. */
  final Map<String, AtomicInteger> subscribesByFilter = new ConcurrentHashMap<>();

  /** A recorded DeferComponentUpdate. */
  public record Deferral(String deploymentId, String message, long recheckAfterMs) {}

  /**
   * A component the nucleus knows: its name, its secret token, its accessControl, its configuration.
   */
  public record Component(String name, String token, AccessControl accessControl, Map<String, Object> configuration) {}

  /** A recorded SendConfigurationValidityReport. */
  public record ValidityReport(String component, String deploymentId, String status, String message) {}

  private FakeNucleus(Builder b) throws IOException {
    Map<String, Object> recipe = readRecipe(b.recipe);
    Map<String, Object> configuration = defaultConfiguration(recipe);
    b.configurationOverrides.forEach((k, v) -> configuration.put(k, deepCopy(v)));
    AccessControl accessControl = AccessControl.fromConfiguration(configuration.get("accessControl"));
    b.extraGrants.forEach(g -> accessControl.grant(g.service, g.operations, g.resources));
    this.main = new Component(String.valueOf(recipe.get("ComponentName")), UUID.randomUUID().toString(),
        accessControl, configuration);
    components.put(main.name(), main);
    this.router = new IotCoreRouter(b.upstream);
    this.upstream = b.upstream;
    this.shadowManager = b.shadowManager ? new FakeShadowManager(this) : null;
    this.socketDir = Files.createTempDirectory(Path.of("/tmp"), "gg");
    this.socketPath = socketDir.resolve("ipc.socket").toString();
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fake-nucleus-timer");
      t.setDaemon(true);
      return t;
    });
    this.eventLoop = new EventLoopGroup(1);
    this.bootstrap = new ServerBootstrap(eventLoop);
    this.socketOptions = new SocketOptions();
    socketOptions.domain = SocketOptions.SocketDomain.LOCAL;
    socketOptions.type = SocketOptions.SocketType.STREAM;
    this.listener = new ServerListener(socketPath, 0, socketOptions, null, bootstrap, new ServerListenerHandler() {
      @Override
      protected ServerConnectionHandler onNewConnection(ServerConnection connection, int errorCode) {
        NucleusConnection c = new NucleusConnection(FakeNucleus.this, connection);
        connections.add(c);
        return c;
      }

      @Override
      protected void onConnectionShutdown(ServerConnection connection, int errorCode) {
        connections.removeIf(c -> c.is(connection));
      }
    });
  }

  public static Builder builder() {
    return new Builder();
  }

  // ---- what a component needs to connect ----

  /** The Unix socket path ({@code AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT}). */
  public String socketPath() {
    return socketPath;
  }

  /** The component's token ({@code SVCUID}). */
  public String token() {
    return main.token();
  }

  public String componentName() {
    return main.name();
  }

  /**
   * Deploys another component beside the one under test: a sibling with its own accessControl (a recipe's {@code
   * accessControl} map, or null for none) and no configuration.
   *
   * @return its token ({@code SVCUID})
   */
  public String addComponent(String name, Object accessControl) {
    Component c = new Component(name, UUID.randomUUID().toString(), AccessControl.fromConfiguration(accessControl),
        new LinkedHashMap<>());
    if (components.putIfAbsent(name, c) != null) {
      throw new IllegalArgumentException("component " + name + " is already deployed");
    }
    return c.token();
  }

  // ---- state for the connection handlers ----

  Component componentByToken(String token) {
    return components.values().stream().filter(c -> c.token().equals(token)).findFirst().orElse(null);
  }

  IotCoreRouter router() {
    return router;
  }

  /** The emulated aws.greengrass.ShadowManager, or null when it is not deployed. */
  FakeShadowManager shadowManager() {
    return shadowManager;
  }

  void validityReported(String component, software.amazon.awssdk.aws.greengrass.model.ConfigurationValidityReport r) {
    validityReports.add(new ValidityReport(component, r.getDeploymentId(), r.getStatusAsString(), r.getMessage()));
  }

  // ---- fault hooks ----

  /** Refuses new IPC connections until {@link #acceptConnections()} (a nucleus that is still restarting). */
  public void refuseConnections() {
    refusing = true;
  }

  /**
   * Refuses new IPC connections of one component until {@link #acceptConnections()}, while the others come back:
   * the order in which components reconnect after a nucleus restart, pinned.
   */
  public void refuseConnectionsOf(String component) {
    refusedComponents.add(component);
  }

  /** Accepts IPC connections again, of every component. */
  public void acceptConnections() {
    refusing = false;
    refusedComponents.clear();
  }

  /** Whether a connection of {@code component} is refused now. */
  boolean refuses(Component component) {
    return refusing || refusedComponents.contains(component.name());
  }

  /** Closes every IPC connection, as a nucleus restart would. */
  public void dropConnections() {
    connections.forEach(NucleusConnection::drop);
  }

  /** Delays the answer to every later call of {@code operation} (short name, e.g. "SubscribeToIoTCore"). */
  public void delayAnswers(String operation, Duration delay) {
    delays.put(operation, delay);
  }

  /** Never answers later calls of {@code operation}; the stream stays open. */
  public void neverAnswer(String operation) {
    unanswered.add(operation);
  }

  /**
   * Refuses the next {@code times} SubscribeToIoTCore requests for exactly {@code filter} with a ServiceError, as the
   * nucleus answers a subscribe that IoT Core refused (SUBACK reason code 128).
   */
  public void failSubscribes(String filter, int times) {
    subscribeFailures.put(filter, times);
  }

  /** Removes every delay, never-answer and subscribe-failure rule. */
  public void clearFaults() {
    delays.clear();
    unanswered.clear();
    subscribeFailures.clear();
  }

  /** Whether this SubscribeToIoTCore request is one to refuse (counts it down). */
  boolean refuseSubscribe(String filter) {
    boolean[] refuse = {false};
    subscribeFailures.computeIfPresent(filter, (f, left) -> {
      refuse[0] = true;
      return left > 1 ? left - 1 : null;
    });
    return refuse[0];
  }

  // ---- observation ----

  /** States reported with UpdateState, in order. */
  public List<String> reportedStates() {
    return List.copyOf(states);
  }

  /** Waits until the component reported {@code state}. */
  public void awaitState(String state, Duration timeout) throws TimeoutException, InterruptedException {
    awaitCondition(() -> states.contains(state), timeout, "UpdateState " + state);
  }

  /** DeferComponentUpdate calls, in order. */
  public List<Deferral> deferrals() {
    return List.copyOf(deferrals);
  }

  /** IoT Core messages dropped because they arrived before the subscribe response. */
  public int droppedBeforeResponse() {
    return droppedBeforeResponse.get();
  }

  /** SubscribeToIoTCore requests received so far. */
  public int ioTCoreSubscribeRequests() {
    return ioTCoreSubscribeRequests.get();
  }

  /** SubscribeToIoTCore requests received so far for exactly {@code filter}, refused ones included. */
  public int ioTCoreSubscribeRequests(String filter) {
    AtomicInteger n = subscribesByFilter.get(filter);
    return n == null ? 0 : n.get();
  }

  /** Filters of the SubscribeToIoTCore streams open right now, one entry per stream. */
  public List<String> openIoTCoreStreams() {
    List<String> out = new ArrayList<>();
    connections.forEach(c -> out.addAll(c.openIoTCoreFilters()));
    return out;
  }

  /** IPC connections of {@code component} accepted so far (reconnects included). */
  public int connectionsAccepted(String component) {
    AtomicInteger n = accepted.get(component);
    return n == null ? 0 : n.get();
  }

  /** Messages published on local pub/sub to exactly {@code topic} so far, whether anyone subscribed or not. */
  public int localPublishes(String topic) {
    AtomicInteger n = localPublishes.get(topic);
    return n == null ? 0 : n.get();
  }

  /** Number of IPC connections accepted and still open. */
  public int connectionCount() {
    return (int) connections.stream().filter(NucleusConnection::authenticated).count();
  }

  // ---- driving the component ----

  /**
   * Changes one configuration value (a deployment's merge) and sends a key-path-only event for every
   * changed leaf to the subscribers whose key path covers it.
   */
  @SuppressWarnings("unchecked")
  public void updateConfiguration(List<String> keyPath, Object value) {
    List<List<String>> changed = new ArrayList<>();
    synchronized (this) {
      Map<String, Object> node = main.configuration();
      for (int i = 0; i < keyPath.size() - 1; i++) {
        node = (Map<String, Object>) node.computeIfAbsent(keyPath.get(i), k -> new LinkedHashMap<>());
      }
      node.put(keyPath.get(keyPath.size() - 1), deepCopy(value));
      leaves(keyPath, value, changed);
    }
    connections.forEach(c -> changed.forEach(leaf -> c.configurationChanged(main.name(), leaf)));
  }

  /**
   * What a deployment does before it merges a configuration: sends it to the component's validation subscribers
   * and waits for the verdict.
   *
   * @return the report, or empty when nobody subscribed or none came within {@code timeout}
   */
  public java.util.Optional<ValidityReport> proposeConfiguration(Map<String, Object> configuration, Duration timeout)
      throws InterruptedException {
    String deployment = "deployment-" + UUID.randomUUID();
    boolean sent = false;
    for (NucleusConnection c : connections) {
      sent |= c.proposeConfiguration(main.name(), deployment, configuration);
    }
    if (!sent) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(await().atMost(timeout).pollInterval(Duration.ofMillis(10))
          .until(() -> validityReports.stream().filter(r -> r.deploymentId().equals(deployment)).findFirst()
              .orElse(null), java.util.Objects::nonNull));
    } catch (ConditionTimeoutException e) {
      return java.util.Optional.empty();
    }
  }

  /** Reports SendConfigurationValidityReport received, in order. */
  public List<ValidityReport> validityReports() {
    return List.copyOf(validityReports);
  }

  /** The local shadows of the emulated ShadowManager (its documents as JSON), for assertions. */
  public FakeShadowManager localShadows() {
    if (shadowManager == null) {
      throw new IllegalStateException("no ShadowManager deployed: build the nucleus with shadowManager(true)");
    }
    return shadowManager;
  }

  /** Sends a PreComponentUpdateEvent to every subscriber of component updates. */
  public void announceComponentUpdate(String deploymentId, boolean nucleusRestarting) {
    connections.forEach(c -> c.componentUpdate(deploymentId, nucleusRestarting));
  }

  /** How the notification of a deployment ended, with every answer to it in order. */
  public record DeploymentNotice(String deploymentId, boolean acknowledged, int notifications, List<Deferral> answers) {}

  /**
   * What the nucleus does before a cloud deployment with the default "notify components" update policy: sends a
   * PreComponentUpdateEvent to the subscribers and, while the latest answer defers ({@code recheckAfterMs > 0}),
   * sends it again after the recheck (shortened to at most {@code recheckCap}, to keep tests quick), until an answer
   * says go ahead (0: acknowledged) or {@code policyTimeout} passes (the deployment then proceeds anyway). Blocks
   * the caller meanwhile.
   */
  public DeploymentNotice notifyDeployment(String deploymentId, Duration policyTimeout, Duration recheckCap)
      throws InterruptedException {
    long deadline = System.nanoTime() + policyTimeout.toNanos();
    int notifications = 0;
    while (true) {
      int seen = answersTo(deploymentId).size();
      announceComponentUpdate(deploymentId, false);
      notifications++;
      Deferral answer = awaitAnswer(deploymentId, seen, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      if (answer == null || answer.recheckAfterMs() == 0) {
        return new DeploymentNotice(deploymentId, answer != null, notifications, answersTo(deploymentId));
      }
      long pause = Math.min(answer.recheckAfterMs(), recheckCap.toMillis());
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= pause) {
        Thread.sleep(Math.max(0, left));
        return new DeploymentNotice(deploymentId, false, notifications, answersTo(deploymentId));
      }
      Thread.sleep(pause);
    }
  }

  /** The component's newest answer after the {@code seen} earlier ones, or null if none came in time. */
  private Deferral awaitAnswer(String deploymentId, int seen, Duration wait) {
    if (wait.toMillis() <= 0 && answersTo(deploymentId).size() <= seen) {
      return null;
    }
    try {
      org.awaitility.Awaitility.await().atMost(wait).pollInterval(Duration.ofMillis(10))
          .until(() -> answersTo(deploymentId).size() > seen);
    } catch (org.awaitility.core.ConditionTimeoutException none) {
      return null;
    }
    List<Deferral> answers = answersTo(deploymentId);
    return answers.get(answers.size() - 1);
  }

  private List<Deferral> answersTo(String deploymentId) {
    return deferrals.stream().filter(d -> d.deploymentId().equals(deploymentId)).toList();
  }

  /** Publishes on local pub/sub as another component would (binary or JSON). */
  public void publishLocal(String topic, byte[] payload) {
    connections.forEach(c -> c.localMessage(topic, payload, null, "other.component"));
  }

  /** Publishes a JSON message on local pub/sub as another component would. */
  public void publishLocalJson(String topic, Map<String, Object> message) {
    connections.forEach(c -> c.localMessage(topic, null, message, "other.component"));
  }

  void routeLocal(String topic, byte[] payload, Map<String, Object> json, String sender) {
    localPublishes.computeIfAbsent(topic, t -> new AtomicInteger()).incrementAndGet();
    connections.forEach(c -> c.localMessage(topic, payload, json, sender));
  }

  @Override
  public void close() {
    connections.forEach(NucleusConnection::drop);
    listener.close();
    try {
      listener.getShutdownCompleteFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("fake nucleus listener did not shut down", e);
    } finally {
      scheduler.shutdownNow();
      upstream.close();
      bootstrap.close();
      socketOptions.close();
      eventLoop.close();
      try {
        Files.deleteIfExists(Path.of(socketPath));
        Files.deleteIfExists(socketDir);
      } catch (IOException e) {
        // a temp dir left behind is harmless
      }
    }
  }

  // ---- helpers ----

  static void awaitCondition(BooleanSupplier condition, Duration timeout, String what)
      throws TimeoutException, InterruptedException {
    try {
      await().atMost(timeout).pollInterval(Duration.ofMillis(10)).until(condition::getAsBoolean);
    } catch (ConditionTimeoutException e) {
      throw new TimeoutException("fake nucleus: no " + what + " within " + timeout);
    }
  }

  @SuppressWarnings("unchecked")
  private static void leaves(List<String> path, Object value, List<List<String>> out) {
    if (value instanceof Map<?, ?> m && !m.isEmpty()) {
      m.forEach((k, v) -> {
        List<String> p = new ArrayList<>(path);
        p.add(String.valueOf(k));
        leaves(p, v, out);
      });
    } else {
      out.add(List.copyOf(path));
    }
  }

  @SuppressWarnings("unchecked")
  static Object deepCopy(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), deepCopy(v)));
      return out;
    }
    if (value instanceof List<?> l) {
      return new ArrayList<>(l.stream().map(FakeNucleus::deepCopy).toList());
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readRecipe(Path recipe) {
    try {
      return new ObjectMapper(new YAMLFactory()).readValue(recipe.toFile(), Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read recipe " + recipe, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> defaultConfiguration(Map<String, Object> recipe) {
    Object cc = recipe.get("ComponentConfiguration");
    Object dc = cc instanceof Map<?, ?> m ? m.get("DefaultConfiguration") : null;
    return dc instanceof Map<?, ?> ? (Map<String, Object>) deepCopy(dc) : new LinkedHashMap<>();
  }

  private record Grant(String service, List<String> operations, List<String> resources) {}

  /** Builds and starts a fake nucleus. */
  public static final class Builder {
    private Path recipe = Path.of("recipe.yaml");
    private MqttClient upstream;
    private final List<Grant> extraGrants = new ArrayList<>();
    private final Map<String, Object> configurationOverrides = new LinkedHashMap<>();
    private boolean shadowManager;

    private Builder() {}

    /** The recipe to read the component name, configuration and accessControl from; default ./recipe.yaml. */
    public Builder recipe(Path path) {
      this.recipe = path;
      return this;
    }

    /** Where IoT Core traffic goes. Required; the nucleus closes it when it closes. */
    public Builder upstream(MqttClient client) {
      this.upstream = client;
      return this;
    }

    /** Deploys aws.greengrass.ShadowManager beside the component (local shadows over IPC). */
    public Builder shadowManager(boolean value) {
      this.shadowManager = value;
      return this;
    }

    /** Replaces a top-level key of the recipe's DefaultConfiguration (a deployment's merge at first start). */
    public Builder configuration(String key, Object value) {
      configurationOverrides.put(key, value);
      return this;
    }

    /** Grants more than the recipe does (test topics). */
    public Builder grant(String service, List<String> operations, List<String> resources) {
      extraGrants.add(new Grant(service, operations, resources));
      return this;
    }

    public FakeNucleus start() throws IOException {
      if (upstream == null) {
        throw new IllegalStateException("a fake nucleus needs an upstream MqttClient");
      }
      return new FakeNucleus(this);
    }
  }
}
