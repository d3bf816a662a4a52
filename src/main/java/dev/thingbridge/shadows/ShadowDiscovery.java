package dev.thingbridge.shadows;

import java.util.List;

/**
 * Lists the named shadows of a thing, so that a {@link ShadowManager} finds the shadows that exist in the cloud
 * before their first delta arrives. {@link IotDataShadowDiscovery} asks AWS IoT's data plane
 * ({@code ListNamedShadowsForThing}); tests and offline setups may supply a list of their own.
 */
@FunctionalInterface
public interface ShadowDiscovery {
  /**
   * Every named shadow of a thing (all pages), in any order. Called on the manager's discovery thread; may
   * block.
   *
   * @throws Exception when the list cannot be had; the manager then carries on with its local state
   */
  List<String> namedShadows(String thingName) throws Exception;
}
