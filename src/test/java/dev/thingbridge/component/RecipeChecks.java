package dev.thingbridge.component;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingEndEvent;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.SequenceEndEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;
import software.amazon.awssdk.aws.greengrass.GreengrassCoreIPCServiceModel;

/**
 * The checks gdk and the nucleus apply to a recipe, plus the ones they apply too late (at deployment time,
 * on a device). Each returns a list of problems, empty when the recipe passes, so that tests can prove both
 * that the real recipe passes and that a broken one is caught.
 */
final class RecipeChecks {
  /** gdk's {@code MAX_RECIPE_FILE_SIZE_BYTES}; the Greengrass service enforces the same limit. */
  static final int MAX_RECIPE_BYTES = 16_000;

  static final String MQTTPROXY = "aws.greengrass.ipc.mqttproxy";
  static final String PUBSUB = "aws.greengrass.ipc.pubsub";

  /** Which operations each IPC service identifier authorises. */
  static final Map<String, Set<String>> OPERATIONS_BY_SERVICE =
      Map.of(
          MQTTPROXY, ops("PublishToIoTCore", "SubscribeToIoTCore"),
          PUBSUB, ops("PublishToTopic", "SubscribeToTopic"),
          "aws.greengrass.ShadowManager",
              ops("GetThingShadow", "UpdateThingShadow", "DeleteThingShadow", "ListNamedShadowsForThing"),
          "aws.greengrass.ipc.lifecycle", ops("PauseComponent", "ResumeComponent"),
          "aws.greengrass.ipc.componentmetric", ops("PutComponentMetric"),
          "aws.greengrass.SecretManager", ops("GetSecretValue"));

  /** Recipe variables: {@code {artifacts:path}} etc., optionally prefixed by a dependency's name. */
  private static final Pattern VARIABLE = Pattern.compile("\\{([^{}]*)}");

  private static final Pattern VERSION_LIKE =
      Pattern.compile("[<>=~^]*\\s*v?\\d+(\\.\\d+)+.*|\\d{4}-\\d{2}-\\d{2}.*");

  private RecipeChecks() {}

  private static Set<String> ops(String... names) {
    return Set.of(names).stream().map(n -> "aws.greengrass#" + n).collect(Collectors.toUnmodifiableSet());
  }

  /** Every operation name the IPC service model knows, as written in policies. */
  static Set<String> knownOperations() {
    return GreengrassCoreIPCServiceModel.getInstance().getAllOperations().stream().collect(Collectors.toSet());
  }

  // ---------------------------------------------------------------- schema and size

  /** gdk's validation: keys lower-cased recursively, then Draft 7 against its recipe schema. */
  static List<String> schemaProblems(JsonNode recipe, Path schemaDir) {
    return validate(ProjectFiles.lowerCaseKeys(recipe), schemaDir.resolve("recipe_schema.json"));
  }

  /** gdk-config.json is validated as written. */
  static List<String> gdkConfigSchemaProblems(JsonNode config, Path schemaDir) {
    return validate(config, schemaDir.resolve("config_schema.json"));
  }

  /** Draft 7 validation of a document as it is. */
  static List<String> validate(JsonNode document, Path schemaFile) {
    try (InputStream in = Files.newInputStream(schemaFile)) {
      JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
      return schema.validate(document).stream().map(ValidationMessage::getMessage).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> sizeProblems(String rawText) {
    int size = rawText.getBytes(StandardCharsets.UTF_8).length;
    return size <= MAX_RECIPE_BYTES
        ? List.of()
        : List.of("recipe is " + size + " bytes, gdk and Greengrass accept at most " + MAX_RECIPE_BYTES);
  }

  // ---------------------------------------------------------------- quoting

  /**
   * Unquoted version-like values: YAML reads {@code 2020-01-25} as a date (SnakeYAML) and {@code 1.0} as a
   * number, which then fail the schema or change meaning. Values of keys named like {@code *version*} must
   * always be quoted; any other plain value that looks like a version or a date too.
   */
  static List<String> unquotedVersionProblems(String rawText) {
    List<String> problems = new ArrayList<>();
    // Each open collection remembers whether it is a mapping and, if so, whether the next scalar is a key.
    List<boolean[]> stack = new ArrayList<>();
    String lastKey = "";
    Iterable<Event> events = new Yaml(new LoaderOptions()).parse(new StringReader(rawText));
    for (Event e : events) {
      if (e instanceof MappingStartEvent || e instanceof SequenceStartEvent) {
        markValueConsumed(stack);
        stack.add(new boolean[] {e instanceof MappingStartEvent, true});
      } else if (e instanceof MappingEndEvent || e instanceof SequenceEndEvent) {
        stack.remove(stack.size() - 1);
      } else if (e instanceof ScalarEvent s) {
        boolean isKey = !stack.isEmpty() && stack.get(stack.size() - 1)[0] && stack.get(stack.size() - 1)[1];
        if (isKey) {
          lastKey = s.getValue();
          stack.get(stack.size() - 1)[1] = false;
          continue;
        }
        markValueConsumed(stack);
        if (s.getScalarStyle() != ScalarStyle.PLAIN) {
          continue;
        }
        boolean inList = !stack.isEmpty() && !stack.get(stack.size() - 1)[0];
        boolean versionKey = !inList && lastKey.toLowerCase().contains("version");
        if (versionKey || VERSION_LIKE.matcher(s.getValue()).matches()) {
          problems.add(
              "unquoted version-like value '"
                  + s.getValue()
                  + "' (line "
                  + (s.getStartMark().getLine() + 1)
                  + "): write it in double quotes");
        }
      }
    }
    return problems;
  }

  private static void markValueConsumed(List<boolean[]> stack) {
    if (!stack.isEmpty() && stack.get(stack.size() - 1)[0]) {
      stack.get(stack.size() - 1)[1] = true;
    }
  }

  // ---------------------------------------------------------------- variables

  /**
   * Every {@code {...}} in a string value must be a recipe variable the nucleus knows; a
   * {@code {configuration:/pointer}} must resolve in DefaultConfiguration (else the nucleus leaves it as
   * literal text); a dependency prefix must name a declared dependency. accessControl must not rely on
   * interpolation at all: the nucleus only interpolates it with {@code interpolateComponentConfiguration}.
   */
  static List<String> variableProblems(JsonNode recipe) {
    List<String> problems = new ArrayList<>();
    JsonNode defaults = recipe.path("ComponentConfiguration").path("DefaultConfiguration");
    Set<String> dependencies = new HashSet<>();
    recipe.path("ComponentDependencies").fieldNames().forEachRemaining(dependencies::add);
    forEachText(
        recipe,
        "",
        (path, text) -> {
          Matcher m = VARIABLE.matcher(text);
          while (m.find()) {
            String problem = variableProblem(m.group(1), path, defaults, dependencies);
            if (problem != null) {
              problems.add(problem + " in " + path);
            }
          }
        });
    return problems;
  }

  private static String variableProblem(String variable, String path, JsonNode defaults, Set<String> deps) {
    if (path.contains("/accessControl/")) {
      return "variable {" + variable + "} is only interpolated with interpolateComponentConfiguration";
    }
    if (variable.equals("kernel:rootPath") || variable.equals("iot:thingName")) {
      return null;
    }
    String own = variable;
    String dependency = null;
    int firstColon = variable.indexOf(':');
    if (firstColon > 0 && !isNamespace(variable.substring(0, firstColon))) {
      dependency = variable.substring(0, firstColon);
      own = variable.substring(firstColon + 1);
      if (!deps.contains(dependency)) {
        return "variable {" + variable + "} names " + dependency + ", which is not a declared dependency";
      }
    }
    if (own.equals("artifacts:path") || own.equals("artifacts:decompressedPath") || own.equals("work:path")) {
      return null;
    }
    if (own.startsWith("configuration:/")) {
      String pointer = own.substring("configuration:".length());
      if (dependency == null && defaults.at(pointer).isMissingNode()) {
        return "{" + variable + "} does not resolve in DefaultConfiguration";
      }
      return null;
    }
    return "unknown recipe variable {" + variable + "}";
  }

  private static boolean isNamespace(String s) {
    return Set.of("artifacts", "work", "configuration", "kernel", "iot").contains(s);
  }

  // ---------------------------------------------------------------- accessControl

  /**
   * Policy ids unique and prefixed with the component name (the nucleus wants them unique across all
   * components), a known service identifier, real operation names the identifier authorises, and
   * non-empty resources.
   */
  static List<String> accessControlProblems(JsonNode recipe) {
    List<String> problems = new ArrayList<>();
    String component = recipe.path("ComponentName").asText();
    JsonNode accessControl = recipe.path("ComponentConfiguration").path("DefaultConfiguration").path("accessControl");
    if (!accessControl.isObject() || accessControl.isEmpty()) {
      return List.of("DefaultConfiguration has no accessControl");
    }
    Set<String> known = knownOperations();
    Set<String> seenIds = new HashSet<>();
    for (Map.Entry<String, JsonNode> service : accessControl.properties()) {
      Set<String> allowed = OPERATIONS_BY_SERVICE.get(service.getKey());
      if (allowed == null) {
        problems.add("unknown IPC service identifier " + service.getKey());
        continue;
      }
      for (Map.Entry<String, JsonNode> policy : service.getValue().properties()) {
        String id = policy.getKey();
        if (!seenIds.add(id)) {
          problems.add("policy id " + id + " is used twice");
        }
        if (!id.startsWith(component + ":")) {
          problems.add("policy id " + id + " does not start with " + component + ":");
        }
        JsonNode operations = policy.getValue().path("operations");
        if (!operations.isArray() || operations.isEmpty()) {
          problems.add("policy " + id + " lists no operations");
        }
        for (JsonNode op : operations) {
          String name = op.asText();
          if (name.equals("*")) {
            continue;
          }
          if (!known.contains(name)) {
            problems.add("policy " + id + ": " + name + " is not a Greengrass IPC operation");
          } else if (!allowed.contains(name)) {
            problems.add("policy " + id + ": " + name + " is not authorised by " + service.getKey());
          }
        }
        JsonNode resources = policy.getValue().path("resources");
        if (!resources.isArray() || resources.isEmpty()) {
          problems.add("policy " + id + " lists no resources");
        }
      }
    }
    return problems;
  }

  /** Whether some policy under {@code service} grants {@code operation} on {@code topic}. */
  static boolean covers(JsonNode recipe, String service, String operation, String topic) {
    JsonNode policies =
        recipe.path("ComponentConfiguration").path("DefaultConfiguration").path("accessControl").path(service);
    BiPredicate<String, String> matcher =
        service.equals(MQTTPROXY) ? NucleusResourceMatcher::mqtt : NucleusResourceMatcher::glob;
    for (JsonNode policy : policies) {
      boolean grantsOperation = false;
      for (JsonNode op : policy.path("operations")) {
        grantsOperation |= op.asText().equals(operation) || op.asText().equals("*");
      }
      if (!grantsOperation) {
        continue;
      }
      for (JsonNode resource : policy.path("resources")) {
        if (matcher.test(resource.asText(), topic)) {
          return true;
        }
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * The Run script: a small heap, the CRT's native library unpacked under {@code {work:path}} into a
   * directory made first, and a JVM that stays a child of the shell. The nucleus runs the script with
   * {@code sh -c}; bash (the {@code sh} of Amazon Linux and RHEL) replaces itself with the last command of
   * the script ({@code exec} in all but name), and nuclei before 2.15.0 never send SIGTERM to the launched
   * process itself, only to its descendants, so a JVM that is the last command or is exec'd is killed
   * without its shutdown hook.
   */
  static List<String> runScriptProblems(JsonNode recipe) {
    List<String> problems = new ArrayList<>();
    JsonNode manifests = recipe.path("Manifests");
    if (!manifests.isArray() || manifests.isEmpty()) {
      return List.of("recipe has no Manifests");
    }
    for (JsonNode manifest : manifests) {
      JsonNode run = manifest.path("Lifecycle").path("Run");
      String script = run.isTextual() ? run.asText() : run.path("Script").asText("");
      if (script.isBlank()) {
        problems.add("manifest " + manifest.path("Platform") + " has no Run script");
        continue;
      }
      List<String> commands = List.of(script.trim().split("\\s*(?:;|&&|\\|\\||\\n)\\s*"));
      int java = -1;
      for (int i = 0; i < commands.size(); i++) {
        if (commands.get(i).startsWith("java ")) {
          java = i;
        }
      }
      if (java < 0) {
        problems.add("Run script does not start java: " + script);
        continue;
      }
      String javaCommand = commands.get(java);
      if (java == commands.size() - 1) {
        problems.add("java is the script's last command, so the shell replaces itself with the JVM");
      }
      if (Pattern.compile("(^|[;&|\\s])exec\\s").matcher(script).find()) {
        problems.add("Run script uses exec: the JVM would be the launched process");
      }
      if (!javaCommand.matches(".*\\s-Xmx\\d+[mM]\\s.*")) {
        problems.add("java runs without a heap limit (-Xmx)");
      }
      if (!javaCommand.contains("-Daws.crt.lib.dir={work:path}/")) {
        problems.add("the CRT native library directory is not under {work:path}");
      } else {
        Matcher dir = Pattern.compile("-Daws\\.crt\\.lib\\.dir=(\\{work:path}/[^\"\\s]*)").matcher(javaCommand);
        boolean made = dir.find();
        String mkdir = made ? "mkdir -p \"" + dir.group(1) + "\"" : "";
        if (!made || commands.subList(0, java).stream().noneMatch(c -> c.equals(mkdir))) {
          problems.add("the CRT native library directory is not created before java starts");
        }
      }
    }
    return problems;
  }

  // ---------------------------------------------------------------- helpers

  private static void forEachText(JsonNode node, String path, BiConsumer<String, String> visitor) {
    if (node.isTextual()) {
      visitor.accept(path, node.asText());
    } else if (node.isObject()) {
      node.properties().forEach(e -> forEachText(e.getValue(), path + "/" + e.getKey(), visitor));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        forEachText(node.get(i), path + "/" + i, visitor);
      }
    }
  }
}
