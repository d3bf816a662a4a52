package dev.thingbridge.mqtt.local.server;

/** {@link MqttServerCrtContractTest} over mutual TLS: server certificate and required client certificates. */
class MqttServerCrtTlsContractTest extends MqttServerCrtContractTest {
  @Override
  protected boolean tls() {
    return true;
  }
}
