/**
 * The machinery behind {@link dev.thingbridge.shadows.Shadow} and {@link dev.thingbridge.shadows.ShadowManager}:
 * the per-shadow sync session both drive ({@link dev.thingbridge.shadows.internal.ShadowSession}), the agent's
 * control thread and event handling, the manager's registry, event routing, resync rounds and request pacing. Not
 * API. Imports {@code dev.thingbridge.mqtt} (never a backend; from {@code mqtt.internal} only the thread factory
 * and the future unwrapping every package shares today), {@code shadows}, {@code shadows.model}, {@code
 * shadows.schema} and {@code shadows.store}.
 *
 * <p>Concurrency: a session is confined to its owner's thread ({@code thingbridge-shadows-<thing>[-<shadow>]} for
 * an agent, {@code thingbridge-shadows-manager-<thing>} for all of a manager's shadows); replies hop back to it, so
 * no lock guards a session. The request pacer and the delta inbox are the only locked parts, and neither calls out
 * while holding its lock.
 */
package dev.thingbridge.shadows.internal;
