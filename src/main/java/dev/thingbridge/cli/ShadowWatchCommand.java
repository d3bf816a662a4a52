package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.shadows.DeltaEvent;
import dev.thingbridge.shadows.Shadow;
import dev.thingbridge.shadows.ShadowCodec;
import dev.thingbridge.shadows.ShadowListener;
import dev.thingbridge.shadows.ShadowOptions;
import dev.thingbridge.shadows.ShadowTopic;
import dev.thingbridge.shadows.ShadowTopics;
import dev.thingbridge.shadows.model.ShadowDocuments;
import dev.thingbridge.shadows.store.FileKeyValueStore;
import dev.thingbridge.shadows.store.InMemoryKeyValueStore;
import dev.thingbridge.shadows.store.KeyValueStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code shadow watch}: prints each delta, document change and deletion as one JSON line; with {@code --ack} it is
 * the device: it keeps the state, applies each delta and reports it back.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = {"Print each delta, document change and deletion of the shadow as one JSON line, until stopped.",
        "With --ack, act as the device: keep the state (untyped JSON, in --state-dir across restarts), apply each "
            + "delta and report it back so the cloud's delta empties; a document deleted in the cloud is re-created "
            + "from the kept state on the next report."})
final class ShadowWatchCommand implements Callable<Integer> {
  private static final Duration STOP_BUDGET = Duration.ofSeconds(5);

  @ParentCommand ShadowCommand shadow;
  @Spec CommandSpec spec;

  @Option(names = "--ack", description = "Act as the device: apply and acknowledge every delta.")
  boolean ack;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "With --ack: keep the device's state here across restarts (default: in memory).")
  Path stateDir;

  @Option(names = "--count", paramLabel = "N", description = "Exit after N deltas (default: run until stopped).")
  Integer count;

  @Override
  public Integer call() throws Exception {
    if (stateDir != null && !ack) {
      throw new UsageException("--state-dir goes with --ack");
    }
    if (count != null && count < 1) {
      throw new UsageException("--count must be at least 1");
    }
    ShadowTopics topics = shadow.topics();
    PrintWriter out = spec.commandLine().getOut();
    CountDownLatch done = new CountDownLatch(count == null ? Integer.MAX_VALUE : count);
    Printer printer = new Printer(out, done);
    try (StopSignal stop = new StopSignal(STOP_BUDGET); MqttClient mqtt = shadow.connect(ack)) {
      if (ack) {
        try (KeyValueStore store = stateDir == null ? new InMemoryKeyValueStore() : FileKeyValueStore.open(stateDir);
             Shadow<ObjectNode> device = Shadow.untyped(mqtt, topics.thingName(), store)
                 .name(topics.shadowName().orElse(null))
                 .options(ShadowOptions.builder().topicPrefix(topics.prefix()).requestTimeout(shadow.timeout).build())
                 .listener(printer)
                 .build()) {
          ObjectNode state = JobsCommand.await(device.sync());
          printer.line(event("synced").put("version", device.version()).set("state", state), false);
          waitUntilDone(stop, done);
        }
      } else {
        Subscription events = JobsCommand.await(mqtt.subscribe(topics.eventFilters(), new RawListener(topics, printer)));
        try {
          waitUntilDone(stop, done);
        } finally {
          events.close();
        }
      }
    }
    return ExitCodes.OK;
  }

  private static void waitUntilDone(StopSignal stop, CountDownLatch done) throws InterruptedException {
    while (done.getCount() > 0 && !stop.requested()) {
      stop.await(Duration.ofMillis(100));
    }
  }

  static ObjectNode event(String kind) {
    return JsonNodeFactory.instance.objectNode().put("event", kind);
  }

  static ObjectNode documents(ShadowDocuments docs) {
    ObjectNode line = event("documents").put("version", docs.current().version());
    ShadowCommand.putIf(line, "desired", docs.current().desired());
    ShadowCommand.putIf(line, "reported", docs.current().reported());
    return line;
  }

  /** Prints lines one at a time and counts the deltas. */
  static final class Printer implements ShadowListener<ObjectNode> {
    private final PrintWriter out;
    private final CountDownLatch done;

    Printer(PrintWriter out, CountDownLatch done) {
      this.out = out;
      this.done = done;
    }

    void line(ObjectNode json, boolean counts) {
      synchronized (out) {
        out.println(ShadowCodec.toJson(json));
        out.flush();
      }
      if (counts) {
        done.countDown();
      }
    }

    @Override
    public void onDelta(DeltaEvent<ObjectNode> e) {
      ObjectNode line = event("delta").put("version", e.version());
      line.set("delta", e.delta());
      line.set("state", e.state());
      line(line, true);
    }

    @Override
    public void onDocuments(ShadowDocuments docs) {
      line(documents(docs), false);
    }

    @Override
    public void onDeletedInCloud(long version) {
      line(event("deleted").put("version", version), false);
    }
  }

  /** Prints the shadow's event topics as they come, without acting on them. */
  private static final class RawListener implements SubscriptionListener {
    private final ShadowTopics topics;
    private final Printer printer;

    RawListener(ShadowTopics topics, Printer printer) {
      this.topics = topics;
      this.printer = printer;
    }

    @Override
    public void onMessage(MqttMessage m) {
      ShadowTopic.Kind kind = ShadowTopics.parse(topics.prefix(), m.topic()).map(ShadowTopic::kind).orElse(null);
      try {
        if (kind == ShadowTopic.Kind.UPDATE_DELTA) {
          var delta = ShadowCodec.decodeDelta(m.payload());
          ObjectNode line = event("delta").put("version", delta.version());
          line.set("state", delta.state());
          if (delta.clientToken() != null) {
            line.put("clientToken", delta.clientToken());
          }
          printer.line(line, true);
        } else if (kind == ShadowTopic.Kind.UPDATE_DOCUMENTS) {
          printer.line(documents(ShadowCodec.decodeDocuments(m.payload())), false);
        } else if (kind == ShadowTopic.Kind.DELETE_ACCEPTED) {
          printer.line(event("deleted").put("version", ShadowCodec.decodeDeleted(m.payload()).version()), false);
        }
      } catch (IllegalArgumentException e) {
        printer.line(event("unreadable").put("topic", m.topic()).put("error", e.getMessage()), false);
      }
    }
  }
}
