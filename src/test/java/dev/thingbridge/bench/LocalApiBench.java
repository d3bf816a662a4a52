package dev.thingbridge.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.thingbridge.component.GreengrassLauncher;
import dev.thingbridge.component.ThingBridgeComponent;
import dev.thingbridge.greengrass.GreengrassIpc;
import dev.thingbridge.greengrass.IpcLifecycle;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.sibling.ThingBridgeClient;
import dev.thingbridge.testing.nucleus.FakeNucleus;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.commands.CommandsService;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.shadows.ShadowsService;
import dev.thingbridge.twin.things.ThingRegistry;
import dev.thingbridge.twin.things.ThingsService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local API against bare Greengrass local pub/sub, through the same fake nucleus in the same run. Baseline: an
 * echo component that answers each message on a topic by publishing it back (PublishToTopic/SubscribeToTopic through
 * the IPC client, nothing else), driven one message at a time and with 8 in flight. Subject: a sibling's {@code
 * component/status} call through {@link ThingBridgeClient} to the thingbridge component started as {@code run} does
 * under Greengrass: the same two local pub/sub hops, plus the request's parsing, the call and the JSON answer.
 *
 * <p>Run from the project root after {@code ./mvnw -q -B test-compile}: {@code java -cp
 * target/test-classes:target/classes:$(cat cp.txt) dev.thingbridge.bench.LocalApiBench} with the test classpath in
 * {@code cp.txt} ({@code ./mvnw -q dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test}).
 */
public final class LocalApiBench {
  private static final int WIDTH = 38;

  public static void main(String[] args) throws Exception {
    Path work = Files.createTempDirectory("local-api-bench");
    LocalBroker broker = new LocalBroker();
    ThingsService things = new ThingsService(new ThingRegistry());
    try (Twin twin = Twin.builder(broker.connect("twin")).service(things).service(new JobsService(things.registry()))
            .service(new ShadowsService()).service(new CommandsService()).build();
        FakeNucleus nucleus = FakeNucleus.builder().recipe(Path.of("recipe.yaml")).upstream(broker.connect("nucleus"))
            .configuration("thingName", "gw-bench").start()) {
      twin.start().get(10, TimeUnit.SECONDS);
      things.createThing("gw-bench");
      GreengrassIpc componentIpc = GreengrassIpc.builder().socketPath(nucleus.socketPath()).authToken(nucleus.token())
          .connect();
      try (ThingBridgeComponent component = new GreengrassLauncher("dev.thingbridge.ThingBridge", "bench",
              Duration.ofSeconds(15)).start(componentIpc, Map.of(), work);
          GreengrassIpc echo = connect(nucleus, "bench.Echo", "bench/*");
          GreengrassIpc caller = connect(nucleus, "bench.Caller", "bench/*");
          ThingBridgeClient sibling = ThingBridgeClient.builder("bench.Sibling").socketPath(nucleus.socketPath())
              .authToken(nucleus.addComponent("bench.Sibling", policy("bench.Sibling", "thingbridge/bench.Sibling/*")))
              .requestTimeout(Duration.ofSeconds(10)).build()) {
        EchoPair pair = new EchoPair(echo.lifecycle(), caller.lifecycle());
        pair.start();
        RoundTrips.header(WIDTH);
        List<RoundTrips.Result> bases = new ArrayList<>();
        List<RoundTrips.Result> apis = new ArrayList<>();
        for (int round = 1; round <= RoundTrips.ROUNDS; round++) { // alternating: warm-up and load hit both alike
          bases.add(RoundTrips.measure(pair::call, RoundTrips.WARMUP));
          apis.add(RoundTrips.measure(() -> sibling.call("component", "status", JsonNodeFactory.instance.objectNode()),
              RoundTrips.WARMUP));
          RoundTrips.print(WIDTH, "baseline: local pub/sub echo #" + round, bases.get(round - 1));
          RoundTrips.print(WIDTH, "local API: component/status #" + round, apis.get(round - 1));
        }
        RoundTrips.summary(WIDTH, "baseline", bases, "local API", apis);
      }
    }
    broker.stop();
  }

  private static GreengrassIpc connect(FakeNucleus nucleus, String name, String resource) {
    return GreengrassIpc.builder().socketPath(nucleus.socketPath())
        .authToken(nucleus.addComponent(name, policy(name, resource))).connect();
  }

  private static Map<String, Object> policy(String component, String resource) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("policyDescription", "bench");
    p.put("operations", List.of("aws.greengrass#PublishToTopic", "aws.greengrass#SubscribeToTopic"));
    p.put("resources", List.of(resource));
    return Map.of("aws.greengrass.ipc.pubsub", Map.of(component + ":bench:1", p));
  }

  /** The baseline: the caller publishes {@code bench/req} with an id, the echo publishes it back on bench/resp. */
  private static final class EchoPair {
    private final IpcLifecycle echo;
    private final IpcLifecycle caller;
    private final Map<String, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    EchoPair(IpcLifecycle echo, IpcLifecycle caller) {
      this.echo = echo;
      this.caller = caller;
    }

    void start() throws Exception {
      echo.subscribeToTopic("bench/req", m -> echo.publishToTopic("bench/resp", m.payload()))
          .get(10, TimeUnit.SECONDS);
      caller.subscribeToTopic("bench/resp", m -> {
        CompletableFuture<Void> f = pending.remove(new String(m.payload(), java.nio.charset.StandardCharsets.UTF_8));
        if (f != null) {
          f.complete(null);
        }
      }).get(10, TimeUnit.SECONDS);
    }

    CompletableFuture<?> call() {
      String id = Long.toString(ids.incrementAndGet());
      CompletableFuture<Void> answered = new CompletableFuture<>();
      pending.put(id, answered);
      caller.publishToTopic("bench/req", id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return answered;
    }
  }
}
