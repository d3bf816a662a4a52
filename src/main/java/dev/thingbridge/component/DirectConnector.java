package dev.thingbridge.component;

import dev.thingbridge.mqtt.MqttClient;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Makes the direct MQTT client used outside Greengrass. The aws-crt backend provides one, registered as a
 * {@link ServiceLoader} service ({@code META-INF/services/dev.thingbridge.component.DirectConnector}); without
 * it {@code run} can only use the in-process broker.
 */
public interface DirectConnector {
  /** Connects (or starts connecting) and returns the client; the caller closes it. */
  MqttClient connect(DirectConnectionSettings settings);

  /** The first connector on the class path, if any. */
  static Optional<DirectConnector> discover() {
    return ServiceLoader.load(DirectConnector.class).findFirst();
  }
}
