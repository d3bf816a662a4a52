package dev.thingbridge.cli;

import dev.thingbridge.component.ComponentConfig;
import dev.thingbridge.component.localapi.LocalBus;
import dev.thingbridge.component.localapi.MqttLocalBus;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.local.LocalBroker;
import dev.thingbridge.mqtt.local.server.MqttServer;
import dev.thingbridge.mqtt.local.server.MqttServerOptions;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local API of {@code run} outside Greengrass ({@code --local-api-port}): a broker of its own, separate from
 * the cloud connection, behind an MQTT server on loopback, so other processes of the machine use the local API
 * with any MQTT client on the topics sibling components use under Greengrass ({@code
 * <prefix>/<component>/<service>/<operation>}, answers on {@code <prefix>/<component>/response}). Nothing checks
 * who a process is: loopback and the machine's users are the boundary, where Greengrass has accessControl.
 */
final class StandaloneLocalApi {
  private static final Logger log = LoggerFactory.getLogger(StandaloneLocalApi.class);

  private StandaloneLocalApi() {}

  /**
   * Starts the broker, the server on {@code 127.0.0.1:port} (0 for a free one) and the bus's client; adds each to
   * {@code owned} (to be closed in reverse order).
   *
   * @throws IOException when the port is in use
   */
  static LocalBus start(int port, ComponentConfig config, List<AutoCloseable> owned) throws IOException {
    LocalBroker broker = new LocalBroker();
    owned.add(broker::stop);
    MqttServer server;
    try {
      server = MqttServer.start(broker, MqttServerOptions.builder().host(InetAddress.getLoopbackAddress()).port(port)
          .build());
    } catch (BindException e) {
      throw new IOException("port " + port + " is in use on 127.0.0.1; pick another, or 0 for a free one", e);
    }
    owned.add(server);
    MqttClient client = broker.connect("thingbridge-local-api");
    owned.add(client);
    log.info("local API for other processes: {} (requests on {}/<component>/<service>/<operation>)",
        server.endpoint(), config.localApi().topicPrefix());
    return new MqttLocalBus(client);
  }
}
