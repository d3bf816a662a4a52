package dev.thingbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        .hasMessage("configuration: unknown key mqtt.maxPayload (known here: maxPayloadBytes, operationTimeoutSeconds)");
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

  @Test
  void every_section_parses_from_greengrass_shapes() {
    ComponentConfig c = ComponentConfig.fromMap(Map.of(
        "things", List.of("client-1"),
        "localApi", Map.of("enabled", "false", "claimLeaseSeconds", 30.0),
        "shadows", Map.of("backend", "shadowManager", "classic", false, "names", List.of("config"),
            "prefixes", List.of("mcu-"), "healthShadow", "health"),
        "jobs", Map.of("handlerDir", "handlers", "stepTimeoutSeconds", "600", "claimWaitSeconds", 0),
        "commands", Map.of("nameField", "action", "format", "cbor"),
        "ota", Map.of("enabled", true, "signingCertificate", "codesign.pem"),
        "mcus", Map.of("mcu-1", Map.of("port", "/dev/ttyACM0", "thing", "mcu-thing-1", "baud", "921600",
            "framing", "raw", "bufSize", 1024, "healthCheck", List.of("/opt/fw/healthy", "--quick"),
            "healthCheckSeconds", "20", "checkIntervalSeconds", 15)),
        "defender", Map.of("enabled", "true", "intervalSeconds", 300),
        "provisioning", Map.of("enabled", true)));
    assertThat(c.localApi()).isEqualTo(new ComponentConfig.LocalApi(false, "thingbridge", 30, 30));
    assertThat(c.shadows()).isEqualTo(new ComponentConfig.Shadows(true, ComponentConfig.ShadowBackend.SHADOW_MANAGER,
        false, List.of("config"), List.of("mcu-"), "health"));
    assertThat(c.jobs()).isEqualTo(new ComponentConfig.Jobs(true, "handlers", 600, 0));
    assertThat(c.commands()).isEqualTo(new ComponentConfig.Commands(true, "action", "cbor", 60));
    assertThat(c.ota()).isEqualTo(new ComponentConfig.Ota(true, "codesign.pem", ""));
    assertThat(c.mcus()).containsExactly(new ComponentConfig.Mcu("mcu-1", "/dev/ttyACM0", "mcu-thing-1", 921600, "raw",
        1024, List.of("/opt/fw/healthy", "--quick"), 20, 15));
    assertThat(c.defender().enabled()).isTrue();
    assertThat(c.provisioning().enabled()).isTrue();
    assertThat(c.hostedThings("gw")).containsExactly("gw", "client-1", "mcu-thing-1");
  }

  @Test
  void a_configuration_that_cannot_work_names_the_key_and_why() {
    assertThatThrownBy(() -> ComponentConfig.fromMap(Map.of("shadows", Map.of("backend", "both"))))
        .hasMessageContaining("shadows.backend must be one of cloud, shadowManager");
    assertThatThrownBy(() -> ComponentConfig.fromMap(Map.of("shadows",
        Map.of("names", List.of("mcu-7"), "prefixes", List.of("mcu-")))))
        .hasMessageContaining("shadows.names must not hold a shadow a prefix already covers");
    assertThatThrownBy(() -> ComponentConfig.fromMap(Map.of("shadows", Map.of("prefixes", List.of("a", "ab")))))
        .hasMessageContaining("must not overlap");
    assertThatThrownBy(() -> ComponentConfig.fromMap(Map.of("shadows", Map.of("names", List.of("bad name")))))
        .hasMessageContaining("shadows.names");
    assertThatThrownBy(() -> ComponentConfig.fromMap(Map.of("jobs", Map.of("enabled", "yes"))))
        .hasMessageContaining("jobs.enabled must be true or false");
    assertThatThrownBy(() -> ComponentConfig.fromMap(Map.of("mcus", Map.of("a", Map.of("port", "/dev/x"),
        "b", Map.of("port", "/dev/x"))))).hasMessageContaining(".port is used by another MCU");
    assertThatThrownBy(() -> ComponentConfig.fromMap(Map.of("mcus", Map.of("a", Map.of("thing", "t")))))
        .hasMessageContaining("mcus.a.port is required");
    assertThatThrownBy(() -> ComponentConfig.fromMap(Map.of("mcus", Map.of("a", Map.of("port", "/dev/x",
        "framing", "slip"))))).hasMessageContaining("mcus.a.framing must be one of console, raw");
    assertThatThrownBy(() -> ComponentConfig.fromMap(Map.of("mcus", Map.of("a", Map.of("port", "/dev/x",
        "bufSize", 32))))).hasMessageContaining("mcus.a.bufSize must be 64..65535, or 0 to ask the MCU");
    assertThatThrownBy(() -> ComponentConfig.fromMap(Map.of("mcus", Map.of("a", Map.of("port", "/dev/x",
        "checkIntervalSeconds", -1))))).hasMessageContaining("mcus.a.checkIntervalSeconds");
    assertThatThrownBy(() -> ComponentConfig.fromMap(Map.of("thingName", "gw", "mcus",
        Map.of("a", Map.of("port", "/dev/x", "thing", "gw"))))).hasMessageContaining("is the gateway's own thing");
    assertThatThrownBy(() -> ComponentConfig.fromMap(Map.of("localApi", Map.of("topicPrefix", "$aws"))))
        .hasMessageContaining("must not start with '$'");
    assertThatThrownBy(() -> ComponentConfig.fromMap(Map.of("commands", Map.of("format", "xml"))))
        .hasMessageContaining("commands.format must be one of cbor, json");
    assertThatThrownBy(() -> ComponentConfig.fromMap(Map.of("things", List.of("ok", "not ok"))))
        .hasMessageContaining("things must be a thing name");
  }

  @Test
  void the_host_refuses_what_parsing_cannot_see(@TempDir Path dir) {
    ComponentConfig ota = ComponentConfig.fromMap(Map.of("ota", Map.of("enabled", "true")));
    assertThatThrownBy(() -> ConfigChecks.check(ota, dir, b -> null))
        .hasMessageContaining("ota.signingCertificate is required when ota.enabled is true");
    ComponentConfig handlers = ComponentConfig.fromMap(Map.of("jobs", Map.of("handlerDir", "missing")));
    assertThatThrownBy(() -> ConfigChecks.check(handlers, dir, b -> null))
        .hasMessageContaining("jobs.handlerDir is not a directory");
    ComponentConfig sm = ComponentConfig.fromMap(Map.of("shadows", Map.of("backend", "shadowManager")));
    assertThatThrownBy(() -> ConfigChecks.check(sm, dir, b -> null))
        .hasMessageContaining("shadows.backend is not available here");
  }
}
