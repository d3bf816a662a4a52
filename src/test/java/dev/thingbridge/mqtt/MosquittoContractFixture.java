package dev.thingbridge.mqtt;

import dev.thingbridge.testing.Mosquitto;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The contract's fixture for a backend that talks to a real Mosquitto directly: the broker restarts, stops and
 * starts as the contract asks, and every client made is closed with it.
 */
public final class MosquittoContractFixture implements MqttClientContract.Fixture {
  private final Mosquitto broker;
  private final Function<String, MqttClient> clients;
  private final List<MqttClient> made = new ArrayList<>();

  /** @param clients makes a started client of the backend under test for a client id */
  public MosquittoContractFixture(Mosquitto broker, Function<String, MqttClient> clients) {
    this.broker = broker;
    this.clients = clients;
  }

  @Override
  public MqttClient newClient(String clientId) {
    MqttClient c = clients.apply(clientId);
    made.add(c);
    return c;
  }

  @Override
  public void restartBroker(boolean keepSessions) throws Exception {
    broker.restart(keepSessions);
  }

  @Override
  public void stopBroker() {
    broker.stop();
  }

  @Override
  public void startBroker(boolean keepSessions) throws Exception {
    broker.start(keepSessions);
  }

  @Override
  public void close() {
    try {
      made.forEach(MqttClient::close);
    } finally {
      broker.close();
    }
  }
}
