package dev.thingbridge.sibling;

/**
 * A claim, a watch or an event subscription this client holds and renews. Closing it stops the renewals and
 * releases it in the component (best effort: an unrenewed lease lapses by itself).
 */
public interface Registration extends AutoCloseable {
  @Override
  void close();
}
