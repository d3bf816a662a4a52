/**
 * The parts the shadow sync core (package-private in {@code dev.thingbridge.shadows}) is built from, none of which
 * needs that package's API: the local state a session applies deltas to ({@code LocalState}, typed or JSON), the
 * version marks ({@code Versions}) and own client tokens ({@code OwnTokens}), splitting a delta into what applied
 * and what to clean up ({@code DeltaParts}), JSON tree helpers, the agent's control thread, the delta inbox and the
 * request pacer. Not API. Imports {@code dev.thingbridge.mqtt} (never a backend), {@code internal},
 * {@code shadows.model}, {@code shadows.schema} and {@code shadows.store}; never {@code shadows} itself, so the
 * two packages form no cycle.
 *
 * <p>Concurrency: a session is confined to its owner's thread ({@code thingbridge-shadows-<thing>[-<shadow>]} for
 * an agent, {@code thingbridge-shadows-manager-<thing>} for all of a manager's shadows); replies hop back to it, so
 * no lock guards a session. The request pacer and the delta inbox are the only locked parts, and neither calls out
 * while holding its lock.
 */
package dev.thingbridge.shadows.internal;
