package dev.thingbridge.component;

import static dev.thingbridge.component.RecipeChecks.MQTTPROXY;
import static dev.thingbridge.component.RecipeChecks.PUBSUB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** recipe.yaml as gdk, the Greengrass service and the nucleus will see it; each check also shown to fail. */
class RecipeTest {
  private static final String PUBLISH = "aws.greengrass#PublishToIoTCore";
  private static final String SUBSCRIBE = "aws.greengrass#SubscribeToIoTCore";

  /** The core's own thing, an MCU thing with every character AWS allows, and a 128-character name. */
  private static final List<String> THINGS =
      List.of("gw-core-01", "mcu:sensor_7-A", "T".repeat(64) + "0123456789abcdef".repeat(4));

  private static final String raw = ProjectFiles.read(ProjectFiles.recipe());
  private static final JsonNode recipe = ProjectFiles.readYaml(raw);

  // ---------------------------------------------------------------- the real recipe passes

  @Test
  void recipe_validates_against_gdks_schema_after_lower_casing_its_keys() {
    assertThat(RecipeChecks.schemaProblems(recipe, ProjectFiles.schemas())).isEmpty();
  }

  @Test
  void recipe_fits_the_16000_byte_limit() {
    assertThat(RecipeChecks.sizeProblems(raw)).isEmpty();
  }

  @Test
  void every_version_like_value_is_quoted() {
    assertThat(RecipeChecks.unquotedVersionProblems(raw)).isEmpty();
  }

  @Test
  void every_variable_is_known_and_every_configuration_pointer_resolves() {
    assertThat(RecipeChecks.variableProblems(recipe)).isEmpty();
    assertThat(raw).contains("{configuration:/logLevel}");
  }

  @Test
  void access_control_has_unique_prefixed_policy_ids_and_real_operations() {
    assertThat(RecipeChecks.accessControlProblems(recipe)).isEmpty();
  }

  @Test
  void run_script_keeps_the_jvm_a_child_of_the_shell_with_a_small_heap_and_natives_under_work_path() {
    assertThat(RecipeChecks.runScriptProblems(recipe)).isEmpty();
    assertThat(recipe.at("/Manifests/0/Lifecycle/Run/Script").asText())
        .contains("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar \"{artifacts:path}/thingbridge.jar\"");
  }

  @Test
  void component_name_and_version_match_the_pom() {
    assertThat(recipe.path("ComponentName").asText()).isEqualTo(ProjectFiles.COMPONENT_NAME);
    assertThat(recipe.path("ComponentVersion").asText()).isEqualTo(ProjectFiles.pomVersion());
    assertThat(recipe.path("RecipeFormatVersion").asText()).isEqualTo("2020-01-25");
  }

  @Test
  void default_configuration_has_every_documented_setting() {
    JsonNode defaults = recipe.at("/ComponentConfiguration/DefaultConfiguration");
    for (String pointer :
        List.of(
            "/thingName",
            "/mqtt/maxPayloadBytes",
            "/mqtt/operationTimeoutSeconds",
            "/localApi/topicPrefix",
            "/stateDir",
            "/logLevel")) {
      assertThat(defaults.at(pointer).isValueNode()).as(pointer).isTrue();
    }
    assertThat(defaults.at("/localApi/topicPrefix").asText()).isEqualTo("thingbridge");
  }

  @Test
  void every_artifact_is_an_s3_uri_that_gdk_rewrites() {
    List<String> uris = new ArrayList<>();
    recipe.path("Manifests").forEach(m -> m.path("Artifacts").forEach(a -> uris.add(a.path("URI").asText())));
    assertThat(uris).containsExactly("s3://BUCKET_NAME/COMPONENT_NAME/COMPONENT_VERSION/thingbridge.jar");
  }

  // ---------------------------------------------------------------- topic coverage

  /** One sample topic (or subscription filter) per topic family of aws-protocols.md §1-6, per thing. */
  static Stream<Arguments> deviceTopics() {
    List<Arguments> out = new ArrayList<>();
    for (String t : THINGS) {
      String thing = "$aws/things/" + t;
      // §1 shadows, classic and named
      add(out, "shadow classic", PUBLISH, thing + "/shadow/update", thing + "/shadow/get", thing + "/shadow/delete");
      add(out, "shadow classic", SUBSCRIBE, thing + "/shadow/update/delta", thing + "/shadow/get/+",
          thing + "/shadow/update/documents", thing + "/shadow/delete/rejected");
      add(out, "shadow named", PUBLISH, thing + "/shadow/name/config/update", thing + "/shadow/name/fw-state/get");
      add(out, "shadow named", SUBSCRIBE, thing + "/shadow/name/config/update/delta",
          thing + "/shadow/name/+/update/accepted", thing + "/shadow/name/fw-state/get/rejected");
      // §2 jobs, including $next
      add(out, "jobs", PUBLISH, thing + "/jobs/get", thing + "/jobs/start-next", thing + "/jobs/$next/get",
          thing + "/jobs/job-42/get", thing + "/jobs/job-42/update");
      add(out, "jobs", SUBSCRIBE, thing + "/jobs/notify", thing + "/jobs/notify-next", thing + "/jobs/get/+",
          thing + "/jobs/start-next/accepted", thing + "/jobs/$next/get/accepted", thing + "/jobs/+/update/+");
      // §3 commands, for things and for MQTT clients
      for (String target : List.of("$aws/commands/things/" + t, "$aws/commands/clients/" + t + "-client")) {
        add(out, "commands", SUBSCRIBE, target + "/executions/+/request/json", target + "/executions/+/request/cbor",
            target + "/executions/+/request", target + "/executions/e-1/response/accepted/json",
            target + "/executions/e-1/response/rejected/json");
        add(out, "commands", PUBLISH, target + "/executions/e-1/response/json",
            target + "/executions/e-1/response/cbor");
      }
      // §5 Device Defender
      add(out, "defender", PUBLISH, thing + "/defender/metrics/json", thing + "/defender/metrics/cbor");
      add(out, "defender", SUBSCRIBE, thing + "/defender/metrics/json/accepted", thing + "/defender/metrics/cbor/+");
      // §6 MQTT file delivery (streams)
      add(out, "streams", PUBLISH, thing + "/streams/AFR_OTA-1/describe/cbor", thing + "/streams/AFR_OTA-1/get/json");
      add(out, "streams", SUBSCRIBE, thing + "/streams/AFR_OTA-1/data/cbor", thing + "/streams/AFR_OTA-1/description/json",
          thing + "/streams/AFR_OTA-1/rejected/cbor");
    }
    // §4 fleet provisioning (no thing in the topic)
    for (String fmt : List.of("json", "cbor")) {
      add(out, "provisioning", PUBLISH, "$aws/certificates/create/" + fmt, "$aws/certificates/create-from-csr/" + fmt,
          "$aws/provisioning-templates/mcu-template/provision/" + fmt);
      add(out, "provisioning", SUBSCRIBE, "$aws/certificates/create/" + fmt + "/accepted",
          "$aws/certificates/create-from-csr/" + fmt + "/+",
          "$aws/provisioning-templates/mcu-template/provision/" + fmt + "/rejected");
    }
    return out.stream();
  }

  private static void add(List<Arguments> out, String family, String operation, String... topics) {
    for (String topic : topics) {
      out.add(Arguments.of(family, operation, topic));
    }
  }

  @ParameterizedTest(name = "{0}: {1} {2}")
  @MethodSource("deviceTopics")
  void every_device_topic_family_is_granted_by_the_mqttproxy_policy(String family, String operation, String topic) {
    assertThat(RecipeChecks.covers(recipe, MQTTPROXY, operation, topic)).as(family + " " + topic).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "$aws/things/gw-core-01/tunnels/notify",
        "$aws/things/gw-core-01/greengrassv2/health/json",
        "$aws/rules/my-rule/telemetry",
        "$aws/events/presence/connected/gw-core-01",
        "dt/sensors/gw-core-01",
        "#"
      })
  void topics_thingbridge_does_not_speak_are_not_granted(String topic) {
    assertThat(RecipeChecks.covers(recipe, MQTTPROXY, PUBLISH, topic)).isFalse();
    assertThat(RecipeChecks.covers(recipe, MQTTPROXY, SUBSCRIBE, topic)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "thingbridge/com.example.App/shadow/request",
        "thingbridge/com.example.App/jobs/response/3f1c2e9a",
        "thingbridge/+/shadow/request"
      })
  void the_local_api_under_the_thingbridge_prefix_is_granted_by_the_pubsub_policy(String topic) {
    assertThat(RecipeChecks.covers(recipe, PUBSUB, "aws.greengrass#SubscribeToTopic", topic)).isTrue();
    assertThat(RecipeChecks.covers(recipe, PUBSUB, "aws.greengrass#PublishToTopic", topic)).isTrue();
    assertThat(RecipeChecks.covers(recipe, PUBSUB, "aws.greengrass#PublishToTopic", "other/" + topic)).isFalse();
  }

  // ---------------------------------------------------------------- each check can fail

  @Test
  void an_unquoted_version_or_date_is_reported() {
    assertThat(RecipeChecks.unquotedVersionProblems(raw.replace("ComponentVersion: \"0.1.0\"", "ComponentVersion: 0.1.0")))
        .singleElement()
        .asString()
        .contains("'0.1.0'");
    assertThat(RecipeChecks.unquotedVersionProblems(raw.replace("\"2020-01-25\"", "2020-01-25"))).hasSize(1);
    assertThat(RecipeChecks.unquotedVersionProblems("ComponentDependencies:\n  a.B:\n    VersionRequirement: '>=2.6.0'\n"))
        .isEmpty();
    assertThat(RecipeChecks.unquotedVersionProblems("ComponentDependencies:\n  a.B:\n    VersionRequirement: ^2.6.0\n"))
        .hasSize(1);
  }

  @Test
  void an_extra_top_level_key_or_a_wrong_format_version_fails_the_schema() {
    ObjectNode extra = recipe.deepCopy();
    extra.put("ComponentColour", "blue");
    assertThat(RecipeChecks.schemaProblems(extra, ProjectFiles.schemas())).isNotEmpty();
    ObjectNode wrongFormat = recipe.deepCopy();
    wrongFormat.put("RecipeFormatVersion", "2021-01-01");
    assertThat(RecipeChecks.schemaProblems(wrongFormat, ProjectFiles.schemas())).isNotEmpty();
  }

  @Test
  void validating_without_lower_casing_fails_so_the_lower_casing_is_what_makes_it_pass() {
    assertThat(RecipeChecks.validate(recipe, ProjectFiles.schemas().resolve("recipe_schema.json"))).isNotEmpty();
  }

  @Test
  void a_recipe_over_16000_bytes_is_reported() {
    assertThat(RecipeChecks.sizeProblems(raw + "#" + "x".repeat(RecipeChecks.MAX_RECIPE_BYTES))).hasSize(1);
  }

  @Test
  void unknown_variables_and_dangling_configuration_pointers_are_reported() {
    assertThat(RecipeChecks.variableProblems(ProjectFiles.readYaml(raw.replace("{work:path}/native\"", "{work:dir}/native\""))))
        .isNotEmpty()
        .allMatch(p -> p.contains("{work:dir}"));
    assertThat(RecipeChecks.variableProblems(ProjectFiles.readYaml(raw.replace("{configuration:/logLevel}", "{configuration:/log/level}"))))
        .singleElement()
        .asString()
        .contains("does not resolve");
    assertThat(RecipeChecks.variableProblems(ProjectFiles.readYaml(raw.replace("{artifacts:path}", "{com.example.Other:artifacts:path}"))))
        .singleElement()
        .asString()
        .contains("not a declared dependency");
    assertThat(RecipeChecks.variableProblems(ProjectFiles.readYaml(raw.replace("$aws/things/+/jobs/*", "$aws/things/{iot:thingName}/jobs/*"))))
        .singleElement()
        .asString()
        .contains("interpolateComponentConfiguration");
  }

  @Test
  void bad_policy_ids_and_operations_are_reported() {
    ObjectNode broken = recipe.deepCopy();
    ObjectNode accessControl = (ObjectNode) broken.at("/ComponentConfiguration/DefaultConfiguration/accessControl");
    ObjectNode pubsub = (ObjectNode) accessControl.path(PUBSUB);
    ObjectNode duplicate = (ObjectNode) accessControl.path(MQTTPROXY).path("dev.thingbridge.ThingBridge:mqttproxy:1").deepCopy();
    ((ArrayNode) duplicate.path("operations")).add("aws.greengrass#PublishToIotCore").add("aws.greengrass#PublishToTopic");
    pubsub.set("dev.thingbridge.ThingBridge:mqttproxy:1", duplicate);
    pubsub.set("my-policy", pubsub.path("dev.thingbridge.ThingBridge:pubsub:1").deepCopy());

    assertThat(RecipeChecks.accessControlProblems(broken))
        .anyMatch(p -> p.contains("used twice"))
        .anyMatch(p -> p.contains("my-policy does not start with dev.thingbridge.ThingBridge:"))
        .anyMatch(p -> p.contains("PublishToIotCore is not a Greengrass IPC operation"))
        .anyMatch(p -> p.contains("PublishToIoTCore is not authorised by aws.greengrass.ipc.pubsub"));
  }

  @Test
  void a_topic_family_without_a_resource_is_uncovered() {
    JsonNode withoutStreams = ProjectFiles.readYaml(raw.replace("            - \"$aws/things/+/streams/*\"\n", ""));
    assertThat(RecipeChecks.covers(withoutStreams, MQTTPROXY, SUBSCRIBE, "$aws/things/gw-core-01/streams/s/data/cbor"))
        .isFalse();
    assertThat(RecipeChecks.covers(withoutStreams, MQTTPROXY, SUBSCRIBE, "$aws/things/gw-core-01/jobs/notify")).isTrue();
  }

  @Test
  void a_run_script_that_execs_or_ends_with_java_or_forgets_the_native_dir_is_reported() {
    assertThat(RecipeChecks.runScriptProblems(ProjectFiles.readYaml(raw.replace("&&\n          java", "&&\n          exec java"))))
        .anyMatch(p -> p.contains("exec"));
    assertThat(RecipeChecks.runScriptProblems(ProjectFiles.readYaml(raw.replace(" run;\n          exit $?", " run"))))
        .singleElement()
        .asString()
        .contains("last command");
    assertThat(RecipeChecks.runScriptProblems(ProjectFiles.readYaml(raw.replace("mkdir -p \"{work:path}/native\" &&\n          ", ""))))
        .singleElement()
        .asString()
        .contains("not created");
    assertThat(RecipeChecks.runScriptProblems(ProjectFiles.readYaml(raw.replace("-Xmx64m ", ""))))
        .singleElement()
        .asString()
        .contains("-Xmx");
  }
}
