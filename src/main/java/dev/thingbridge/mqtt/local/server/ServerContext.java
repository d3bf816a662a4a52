package dev.thingbridge.mqtt.local.server;

import dev.thingbridge.mqtt.local.LocalBroker;
import java.util.concurrent.atomic.AtomicInteger;

/** What every connection of one server shares. */
record ServerContext(MqttServerOptions options, LocalBroker bus, SessionRegistry sessions,
    AtomicInteger connectionCount) {}
