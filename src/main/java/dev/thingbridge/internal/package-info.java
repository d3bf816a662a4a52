/**
 * Helpers shared across packages and not part of the API: named thread factories
 * ({@link dev.thingbridge.internal.NamedThreadFactory}), failure unwrapping
 * ({@link dev.thingbridge.internal.Futures}), the exponential backoff value
 * ({@link dev.thingbridge.internal.Backoff}), atomic files, PKI and handler processes.
 *
 * <p>Layering: the bottom layer. It imports no other {@code dev.thingbridge} package; every package may import it.
 * Its types may change without notice.
 */
package dev.thingbridge.internal;
