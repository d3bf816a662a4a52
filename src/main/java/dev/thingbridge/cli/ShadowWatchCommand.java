package dev.thingbridge.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionListener;
import dev.thingbridge.shadows.DeltaEvent;
import dev.thingbridge.shadows.Shadow;
import dev.thingbridge.shadows.ShadowClient;
import dev.thingbridge.shadows.ShadowCodec;
import dev.thingbridge.shadows.ShadowErrorCode;
import dev.thingbridge.shadows.ShadowException;
import dev.thingbridge.shadows.ShadowListener;
import dev.thingbridge.shadows.ShadowOptions;
import dev.thingbridge.shadows.ShadowTopic;
import dev.thingbridge.shadows.ShadowTopics;
import dev.thingbridge.shadows.model.ShadowDocument;
import dev.thingbridge.shadows.model.ShadowDocuments;
import dev.thingbridge.shadows.store.FileKeyValueStore;
import dev.thingbridge.shadows.store.InMemoryKeyValueStore;
import dev.thingbridge.shadows.store.KeyValueStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code shadow watch}: prints the shadow's current state, then each delta, document change and deletion, as
 * one JSON line each; with {@code --ack} it is the device: it keeps the state, applies each delta and reports it
 * back.
 */
@Command(name = "watch",
    description = {"Print the shadow's current document (and its pending delta), then each delta, document change "
        + "and deletion, one JSON line each, until stopped.",
        "With --ack, act as the device: keep the state (untyped JSON, in --state-dir across restarts), apply each "
            + "delta and report it back so the cloud's delta empties; a document deleted in the cloud is re-created "
            + "from the kept state on the next report."})
final class ShadowWatchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ShadowTarget target;
  @Mixin DeviceConnectionOptions connection;
  @Mixin OutputOptions output;

  @Option(names = "--ack", description = "Act as the device: apply and acknowledge every delta (the client id "
      + "then defaults to the thing name).")
  boolean ack;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "With --ack: keep the device's state here across restarts (default: in memory).")
  Path stateDir;

  @Option(names = {"-C", "--count"}, paramLabel = "N",
      description = "Exit after N deltas, a pending one included (default: run until stopped).")
  Integer count;

  @Override
  public Integer call() throws Exception {
    if (stateDir != null && !ack) {
      throw new UsageException("--state-dir goes with --ack");
    }
    if (count != null && count < 1) {
      throw new UsageException("--count must be at least 1");
    }
    if (stateDir != null) {
      StateDirs.check("--state-dir", stateDir);
    }
    ShadowTopics topics = target.topics();
    ThingBridgeCommand root = ThingBridgeCommand.of(spec);
    try (StopSignal stop = root.exit().stopSignal(TwinCommand.STOP_BUDGET);
        MqttClient mqtt = ack ? connection.connect(topics.thingName(), stop) : connection.connectAsObserver(stop)) {
      Printer printer = new Printer(output, count, stop);
      if (ack) {
        actAsDevice(mqtt, topics, printer, stop);
      } else {
        observe(mqtt, topics, printer, stop);
      }
    }
    return ExitCodes.OK;
  }

  private void actAsDevice(MqttClient mqtt, ShadowTopics topics, Printer printer, StopSignal stop)
      throws Exception {
    try (KeyValueStore store = stateDir == null ? new InMemoryKeyValueStore() : FileKeyValueStore.open(stateDir);
        Shadow<ObjectNode> device = Shadow.untyped(mqtt, topics.thingName(), store)
            .name(topics.shadowName().orElse(null))
            .options(ShadowOptions.builder().topicPrefix(topics.prefix()).requestTimeout(target.timeout).build())
            .listener(printer)
            .build()) {
      ObjectNode state = JobsCommand.await(device.sync());
      printer.line(event("synced").put("version", device.version()).set("state", state), false);
      stop.await(null);
    }
  }

  /** Subscribes, GETs the current document (printed first), then prints the events as they come. */
  private void observe(MqttClient mqtt, ShadowTopics topics, Printer printer, StopSignal stop) throws Exception {
    printer.hold();
    Subscription events = JobsCommand.await(mqtt.subscribe(topics.eventFilters(), new RawListener(topics, printer)));
    try (MqttRequester requester = new MqttRequester(mqtt)) {
      long version;
      try {
        ShadowDocument current = JobsCommand.await(new ShadowClient(requester, topics, target.timeout).get());
        version = current.version();
        ObjectNode line = event("current").put("exists", true).put("version", current.version());
        ShadowCommand.putIf(line, "desired", current.desired());
        ShadowCommand.putIf(line, "reported", current.reported());
        printer.print(line, false);
        if (current.delta() != null && !current.delta().isEmpty()) {
          ObjectNode delta = event("delta").put("version", current.version());
          delta.set("state", current.delta());
          printer.print(delta, true);
        }
      } catch (ShadowException e) {
        if (e.code() != ShadowErrorCode.NOT_FOUND) {
          throw e;
        }
        version = -1;
        printer.print(event("current").put("exists", false), false);
      }
      printer.release(version);
      stop.await(null);
    } finally {
      events.close();
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

  /**
   * Prints lines one at a time and counts the deltas, stopping the command after {@code --count}. While held
   * (until the first GET is answered) lines are kept back; on release those the GET already covered (older
   * versions) are dropped, the rest printed.
   */
  static final class Printer implements ShadowListener<ObjectNode> {
    private final OutputOptions output;
    private final Integer count;
    private final StopSignal stop;
    private int deltas;
    private List<ObjectNode[]> held;

    Printer(OutputOptions output, Integer count, StopSignal stop) {
      this.output = output;
      this.count = count;
      this.stop = stop;
    }

    synchronized void hold() {
      held = new ArrayList<>();
    }

    synchronized void release(long coveredVersion) {
      List<ObjectNode[]> pending = held;
      held = null;
      for (ObjectNode[] p : pending) {
        if (p[0].path("version").asLong(Long.MAX_VALUE) > coveredVersion) {
          print(p[0], p[1] != null);
        }
      }
    }

    /** Prints an event, or keeps it back while held. */
    synchronized void line(ObjectNode json, boolean counts) {
      if (held != null) {
        held.add(new ObjectNode[] {json, counts ? json : null});
        return;
      }
      print(json, counts);
    }

    /** Prints an event now, held or not. */
    synchronized void print(ObjectNode json, boolean counts) {
      output.event(json);
      if (counts && count != null && ++deltas >= count) {
        stop.stopNow();
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
