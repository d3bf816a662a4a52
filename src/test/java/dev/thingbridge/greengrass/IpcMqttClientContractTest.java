package dev.thingbridge.greengrass;

import dev.thingbridge.mqtt.MqttClientContract;

/** The backend contract through the fake nucleus, whose cloud side is an in-process broker. */
class IpcMqttClientContractTest extends MqttClientContract {
  @Override
  protected Fixture createFixture() throws Exception {
    return new IpcFixture();
  }

  @Override
  protected boolean reportsDeliveryQos() {
    return false;
  }
}
