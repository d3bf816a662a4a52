package dev.thingbridge.mqtt.internal;

import dev.thingbridge.mqtt.SubscriptionListener;

/**
 * A listener of thingbridge's own whose {@link #onMessage} only hands the message to its own executor: it
 * never blocks, never runs user code and returns at once. A backend calls it directly from the thread that
 * delivers (a network thread included), in arrival order, instead of switching to a delivery thread first,
 * which saves one thread switch per message for the twin, whose requests go to per-thing lanes anyway.
 * {@link #onSessionLost} still comes on a delivery thread.
 */
public interface HandOffListener extends SubscriptionListener {}
