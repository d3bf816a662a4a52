package dev.thingbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MqttEndpointTest {
  @Test
  void schemes_choose_tls_and_default_ports() {
    assertThat(MqttEndpoint.parse("mqtt://broker.local")).isEqualTo(MqttEndpoint.plain("broker.local", 1883));
    assertThat(MqttEndpoint.parse("mqtts://abc-ats.iot.eu-west-1.amazonaws.com"))
        .isEqualTo(MqttEndpoint.tls("abc-ats.iot.eu-west-1.amazonaws.com", 8883));
    assertThat(MqttEndpoint.parse("MQTTS://127.0.0.1:9999/")).isEqualTo(MqttEndpoint.tls("127.0.0.1", 9999));
    assertThat(MqttEndpoint.parse("mqtt://[::1]:1884")).isEqualTo(MqttEndpoint.plain("::1", 1884));
  }

  @Test
  void to_string_gives_back_the_uri() {
    assertThat(MqttEndpoint.parse("mqtts://h:1").toString()).isEqualTo("mqtts://h:1");
    assertThat(MqttEndpoint.plain("::1", 1883).toString()).isEqualTo("mqtt://[::1]:1883");
  }

  @Test
  void only_amazonaws_hosts_count_as_aws_iot() {
    assertThat(MqttEndpoint.parse("mqtts://x-ats.iot.us-east-1.amazonaws.com").isAwsIot()).isTrue();
    assertThat(MqttEndpoint.parse("mqtts://localhost").isAwsIot()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://host:1883", "host:1883", "mqtt://", "mqtt://host:port", "mqtt://host:70000",
      "mqtt://user:pw@host", "mqtt://host/path", "mqtt://host?x=1", "", "mqtt://ho st"})
  void anything_else_is_rejected_with_a_message(String text) {
    assertThatThrownBy(() -> MqttEndpoint.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint");
  }
}
