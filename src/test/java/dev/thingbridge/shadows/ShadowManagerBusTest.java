package dev.thingbridge.shadows;

import dev.thingbridge.mqtt.local.LocalBroker;
import java.nio.file.Path;

/** The shadow manager end to end with the twin on the in-process bus. */
class ShadowManagerBusTest extends ShadowManagerEndToEndContract {
  @Override
  ManagerRig.Transport transport(Path dir) {
    return ManagerRig.Transport.onBus(new LocalBroker());
  }
}
