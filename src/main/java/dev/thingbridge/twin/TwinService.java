package dev.thingbridge.twin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.twin.http.Route;
import dev.thingbridge.twin.store.StoreReader;
import dev.thingbridge.twin.store.StoreSchema;
import java.time.Instant;
import java.util.List;

/**
 * One cloud-side service of the twin (shadows, jobs, commands). The {@link Twin} owns the MQTT
 * subscriptions, the clock, persistence and the HTTP server; a service only turns requests into replies.
 *
 * <p>Persistence: a service keeps its state in memory and declares its tables ({@link #schema()}); each
 * operation writes the rows it changed through its {@link TwinOutbox}, and the twin commits them before the
 * operation's replies go out. At start the twin creates or migrates the tables and calls {@link #load}. A
 * service without a schema is saved the old way, its whole {@link #snapshot()} after every change, which
 * makes every request cost as much as the whole state; see {@link dev.thingbridge.twin.store} to move one.
 *
 * <p>Threading: the twin calls every method of a service under its lock, held exclusively, so a service
 * needs no synchronisation of its own and sees each thing's requests in arrival order; a service that declares
 * {@link #concurrentByThing()} gets different things' requests at the same time. Methods must not block, and
 * must not call back into the twin's {@link TwinContext} from {@link #handle} or {@link #tick}.
 */
public interface TwinService {
  /** A short stable name: in logs, as its snapshot row's key, and in older versions' state file name. */
  String name();

  /**
   * Gives the service its context, once, before {@link #restore} and the first request. A service keeps it
   * to serve its plain-Java control-plane operations through {@link TwinContext#exclusive}.
   */
  default void attach(TwinContext context) {}

  /** The device-facing topic filters this service answers (subscribed with No Local). */
  List<SubscriptionFilter> filters();

  /**
   * Handles one device request. Malformed input must become the documented rejection published through
   * {@code out}, never an exception; an exception is logged and the request dropped.
   *
   * @return true if the service's persistent state changed (the twin then saves the snapshot of a service
   *     without a schema; a service with one writes its rows through {@code out})
   */
  boolean handle(MqttMessage request, TwinOutbox out);

  /**
   * Whether {@link #handle} may run concurrently for requests of different things. The twin runs a thing's
   * requests one at a time, in order, whatever this says; with true it also runs other things' requests at
   * the same time (under a shared lock), so the service's state must be safe for that: per-thing data only,
   * in concurrent structures. Control-plane operations, ticks and reads always run alone. Default false.
   */
  default boolean concurrentByThing() {
    return false;
  }

  /**
   * Whether {@link #handle} is quick: it works on memory only and never blocks, waits or does I/O. Then the
   * twin may handle a request on the thread that delivered it (the MQTT client's network thread) when
   * nothing else is going on, which saves two thread wake-ups per request; a slow handler there would hold up
   * every other thing's requests. Default false: requests always go to the twin's pool.
   */
  default boolean handlesQuickly() {
    return false;
  }

  /**
   * Answers a request whose changes could not be saved (the database refused the commit, so the request had
   * no effect): the service's internal-error rejection on the request's reply topic, with its client token.
   * The default answers nothing.
   */
  default void answerInternalFailure(MqttMessage request, TwinOutbox out) {}

  /**
   * Advances time-driven state (job step timeouts, command timeouts). The twin calls it on its own clock,
   * about once a second ({@link Twin.Builder#tickInterval}), and when a test calls {@link Twin#tickNow()};
   * not after each request, so a service that must act on elapsed time within a request (an expired
   * timeout seen by a describe, say) checks the time there itself.
   *
   * @return true if the persistent state changed
   */
  default boolean tick(Instant now, TwinOutbox out) {
    return false;
  }

  /** The control-plane HTTP routes this service serves. */
  default List<Route> routes() {
    return List.of();
  }

  /**
   * The tables this service keeps its state in (created or migrated at start), or null for a service that is
   * saved as one JSON {@link #snapshot()}.
   */
  default StoreSchema schema() {
    return null;
  }

  /**
   * Reads the service's state from its tables, replacing whatever it holds. Called at start, before the
   * first request, and again after a commit failed, to drop the changes that were not saved. Only for a
   * service with a {@link #schema()}.
   */
  default void load(StoreReader store) {}

  /**
   * Imports the state a thingbridge before the database kept in {@code <name>.json} (what {@link #snapshot()}
   * produced): a service with tables restores it and writes every row through {@code out}. Called once, on
   * the first start with a state directory of an older version, before {@link #load}.
   */
  default void importJson(JsonNode state, TwinOutbox out) {
    restore(state);
  }

  /**
   * The whole persistent state as JSON: saved after every change for a service without a {@link #schema()}
   * (see {@link dev.thingbridge.twin.store} for why that is slow), and the format of the state files of older
   * versions.
   */
  default JsonNode snapshot() {
    throw new UnsupportedOperationException(name() + " keeps its state in tables");
  }

  /** Restores what {@link #snapshot()} produced. Called once, before the first request. */
  default void restore(JsonNode snapshot) {
    throw new UnsupportedOperationException(name() + " keeps its state in tables");
  }
}
