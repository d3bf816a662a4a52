package dev.thingbridge.mqtt.local;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttClientContract;
import java.util.ArrayList;
import java.util.List;

class LocalMqttClientContractTest extends MqttClientContract {
  @Override
  protected Fixture createFixture() {
    LocalBroker broker = new LocalBroker();
    List<MqttClient> clients = new ArrayList<>();
    return new Fixture() {
      @Override
      public MqttClient newClient(String clientId) {
        MqttClient c = broker.connect(clientId);
        clients.add(c);
        return c;
      }

      @Override
      public void restartBroker(boolean keepSessions) {
        broker.stop();
        broker.start(keepSessions);
      }

      @Override
      public void stopBroker() {
        broker.stop();
      }

      @Override
      public void startBroker(boolean keepSessions) {
        broker.start(keepSessions);
      }

      @Override
      public void close() {
        clients.forEach(MqttClient::close);
      }
    };
  }
}
