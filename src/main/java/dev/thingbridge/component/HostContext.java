package dev.thingbridge.component;

import dev.thingbridge.component.events.DeviceEventSink;
import dev.thingbridge.component.localapi.CommandClaims;
import dev.thingbridge.component.localapi.JobClaims;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttRequester;
import dev.thingbridge.shadows.ShadowDiscovery;
import dev.thingbridge.shadows.store.KeyValueStore;
import dev.thingbridge.transfer.OtaPlatform;
import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;

/** What a {@link HostedThing} shares with the others, provided by the {@link DeviceHost}. */
interface HostContext {
  /** The one cloud connection. */
  MqttClient mqtt();

  /** Where shadow traffic goes: the cloud connection, or ShadowManager's local shadows. */
  MqttClient shadowMqtt();

  /** The requester every shadow of the backend shares. */
  MqttRequester shadowRequester();

  /** Where kept shadows' states persist. */
  KeyValueStore shadowStore();

  /** How a prefix manager lists a thing's shadows at start; null for none. */
  ShadowDiscovery discovery(String thing);

  DeviceEventSink events();

  EventAdapters.ShadowDeltaSink deltas();

  JobClaims jobClaims();

  CommandClaims commandClaims();

  /** A configured path, relative to the component's working directory. */
  Path resolve(String path);

  /** A thing's own state directory, or null when the component keeps no state on disk. */
  Path thingState(String thing);

  /** The host's timer (named daemon thread), for retries; shut down when the host closes. */
  ScheduledExecutorService timer();

  /** The OTA platform of a thing (the gateway's own files, or an MCU), or null when it has none. */
  OtaPlatform otaPlatform(String thing, Path stateDir);
}
