package dev.thingbridge.twin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.twin.http.Route;
import java.time.Instant;
import java.util.List;

/**
 * One cloud-side service of the twin (shadows, jobs, commands). The {@link Twin} owns the MQTT
 * subscriptions, the clock, persistence and the HTTP server; a service only turns requests into replies.
 *
 * <p>Threading: the twin calls every method of every service under one lock, so a service needs no
 * synchronisation of its own and sees requests in arrival order. Methods must not block.
 */
public interface TwinService {
  /** A short stable name, used for the state file ({@code <name>.json}) and in logs. */
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
   * @return true if the service's persistent state changed (the twin then saves it)
   */
  boolean handle(MqttMessage request, TwinOutbox out);

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

  /** The whole persistent state as JSON, for the state directory. */
  JsonNode snapshot();

  /** Restores what {@link #snapshot()} produced. Called once, before the first request. */
  void restore(JsonNode snapshot);
}
