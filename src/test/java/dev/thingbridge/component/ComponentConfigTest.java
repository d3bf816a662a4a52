package dev.thingbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComponentConfigTest {
  @Test
  void the_recipe_defaults_parse_to_the_documented_defaults() throws Exception {
    Map<String, Object> recipe = new com.fasterxml.jackson.databind.ObjectMapper(
        new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readValue(Path.of("recipe.yaml").toFile(), Map.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> defaults = (Map<String, Object>) ((Map<String, Object>) recipe.get("ComponentConfiguration"))
        .get("DefaultConfiguration");
    assertThat(ComponentConfig.fromMap(defaults)).isEqualTo(ComponentConfig.DEFAULTS);
  }

  @Test
  void gson_doubles_and_quoted_numbers_are_accepted() {
    ComponentConfig c = ComponentConfig.fromMap(Map.of("mqtt", Map.of("maxPayloadBytes", 65536.0,
        "operationTimeoutSeconds", "3")));
    assertThat(c.mqtt()).isEqualTo(new ComponentConfig.Mqtt(65536, 3));
  }

  @Test
  void a_bad_value_fails_with_one_line_naming_its_key() {
    assertThatThrownBy(() -> ComponentConfig.fromMap(Map.of("mqtt", Map.of("maxPayloadBytes", "200000"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("mqtt.maxPayloadBytes").hasMessageNotContaining("\n");
    assertThatThrownBy(() -> ComponentConfig.fromMap(Map.of("mqtt", Map.of("operationTimeoutSeconds", 2.5))))
        .hasMessageContaining("mqtt.operationTimeoutSeconds");
    assertThatThrownBy(() -> ComponentConfig.fromMap(Map.of("logLevel", "loud"))).hasMessageContaining("logLevel");
    assertThatThrownBy(() -> ComponentConfig.fromMap(Map.of("localApi", Map.of("topicPrefix", "a/#"))))
        .hasMessageContaining("localApi.topicPrefix");
    assertThatThrownBy(() -> ComponentConfig.fromMap(Map.of("mqtt", Map.of("maxPayload", 1))))
        .hasMessage("configuration: unknown key mqtt.maxPayload");
    assertThatThrownBy(() -> ComponentConfig.fromMap(Map.of("connection", Map.of("endpoint", "x.iot.amazonaws.com"))))
        .hasMessageContaining("connection.certFile");
  }

  @Test
  void a_yaml_file_with_a_direct_connection_parses_and_changes_are_listed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, """
        thingName: gw-1
        connection:
          endpoint: abc-ats.iot.eu-west-1.amazonaws.com:443
          certFile: cert.pem
          keyFile: key.pem
        """);
    ComponentConfig c = ComponentConfig.fromFile(file);
    assertThat(c.directConnection()).contains(
        new ComponentConfig.Connection("abc-ats.iot.eu-west-1.amazonaws.com:443", "cert.pem", "key.pem", null, null));
    DirectConnectionSettings s = DirectConnectionSettings.from(c.connection(), "gw-1", c);
    assertThat(s.endpoint()).isEqualTo("abc-ats.iot.eu-west-1.amazonaws.com");
    assertThat(s.port()).isEqualTo(443);
    assertThat(c.changesFrom(ComponentConfig.DEFAULTS)).first().isEqualTo("thingName:  -> gw-1");
  }

  @Test
  void a_file_that_is_not_yaml_fails_as_usage(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "mqtt: [unclosed");
    assertThatThrownBy(() -> ComponentConfig.fromFile(file)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("not valid YAML or JSON");
  }
}
