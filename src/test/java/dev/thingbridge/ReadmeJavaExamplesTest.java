package dev.thingbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compiles every one of the README's {@code ```java} blocks against the project's classes and its real
 * dependencies (the AWS SDK's too), so that a renamed type or method in them fails the build instead of
 * misleading a reader. A block is found by a phrase it contains (not by its position), wrapped as the body of
 * a method whose parameters and helper members stand for what the README leaves to the reader ({@code mqtt},
 * {@code install(...)}); its leading declarations (records, a sealed interface) become members of the class,
 * and a line {@code ...} becomes a comment. A block that is a whole compilation unit is compiled as written.
 * A block no example names fails {@code every_readme_java_block_is_compiled}.
 */
class ReadmeJavaExamplesTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("(?m)^```java\\n(.*?)^```", Pattern.DOTALL);

  /**
   * One README block: the phrase that finds it, its imports, what it may call and the method's parameters;
   * null helpers for a block that is a whole compilation unit.
   */
  record Example(String phrase, List<String> imports, String helpers, String parameters) {
    @Override
    public String toString() {
      return phrase;
    }
  }

  static Stream<Example> examples() {
    return Stream.concat(serviceExamples(), deviceExamples());
  }

  /** The sibling client, the AWS SDK against the twin, jobs, commands and shadows. */
  private static Stream<Example> serviceExamples() {
    return Stream.of(
        new Example("ThingBridgeClient.builder(\"com.example.Fan\")",
            List.of("dev.thingbridge.sibling.*", "java.util.*"),
            "void setSpeed(int speed) {}\nvoid calibrate() {}\nvoid stop() {}\n"
                + "void log(Object event) {}", ""),
        new Example("IotClient iot = IotClient.builder()",
            List.of("software.amazon.awssdk.auth.credentials.*", "software.amazon.awssdk.core.SdkBytes",
                "software.amazon.awssdk.regions.Region", "software.amazon.awssdk.services.iot.IotClient",
                "software.amazon.awssdk.services.iotdataplane.IotDataPlaneClient", "java.net.URI"),
            "", ""),
        new Example("JobHandlers handlers = JobHandlers.builder()",
            List.of("dev.thingbridge.jobs.*", "dev.thingbridge.mqtt.MqttClient",
                "com.fasterxml.jackson.databind.JsonNode", "java.nio.file.Path", "java.time.Duration",
                "java.util.Map", "java.util.concurrent.TimeUnit"),
            "void scheduleReboot(int seconds) {}\nboolean install(Object document) { return true; }",
            "MqttClient mqtt"),
        new Example("CommandAgent<Valve> agent = CommandAgent.builder",
            List.of("dev.thingbridge.commands.*", "dev.thingbridge.mqtt.MqttClient", "java.util.Map",
                "java.util.concurrent.TimeUnit"),
            "interface Valves { int set(int percent); byte[] trace(); }",
            "MqttClient mqtt, Valves valves"),
        new Example("Shadow<Gateway> shadow = Shadow.builder(",
            List.of("dev.thingbridge.shadows.*", "dev.thingbridge.shadows.schema.*", "dev.thingbridge.shadows.schema.spec.*",
                "dev.thingbridge.shadows.store.FileKeyValueStore", "dev.thingbridge.mqtt.MqttClient",
                "com.fasterxml.jackson.annotation.JsonTypeName", "com.fasterxml.jackson.databind.node.ObjectNode",
                "java.nio.file.Path", "java.time.Duration", "java.util.Map"),
            "org.slf4j.Logger log;\nboolean running;\nvoid reconfigure(Config config) {}", "MqttClient mqtt"),
        new Example("ShadowManager<McuConfig> mcus = ShadowManager.builder(",
            List.of("dev.thingbridge.shadows.*", "dev.thingbridge.shadows.schema.*", "dev.thingbridge.shadows.schema.spec.*",
                "dev.thingbridge.shadows.ShadowManagerListener.Removal",
                "dev.thingbridge.shadows.store.FileKeyValueStore", "dev.thingbridge.mqtt.MqttClient", "java.net.URI",
                "com.fasterxml.jackson.databind.node.ObjectNode", "java.nio.file.Path", "java.util.Map"),
            "org.slf4j.Logger log;\ninterface Serial { void push(String id, McuConfig state); void forget(String id); }\n"
                + "Serial serial;",
            "MqttClient mqtt"));
  }

  /** OTA, provisioning, Defender and the MCU: the device-side programs. */
  private static Stream<Example> deviceExamples() {
    return Stream.of(
        new Example("OtaAgent ota = OtaAgent.builder(mqtt, platform, stateDir)",
            List.of("dev.thingbridge.transfer.*", "dev.thingbridge.mqtt.MqttClient", "java.nio.file.Path",
                "java.util.concurrent.TimeUnit"),
            "void checkTheNewVersion() {}", "MqttClient mqtt, Path stateDir"),
        new Example("iot.createOTAUpdate(b -> b.otaUpdateId(",
            List.of("software.amazon.awssdk.core.SdkBytes", "software.amazon.awssdk.services.iot.IotClient",
                "software.amazon.awssdk.services.iot.model.OTAUpdateFile",
                "software.amazon.awssdk.services.iot.model.Protocol"),
            "", "IotClient iot, byte[] signature"),
        new Example("FleetProvisioner provisioner = FleetProvisioner.builder(",
            List.of("dev.thingbridge.provisioning.*", "dev.thingbridge.mqtt.MqttClient",
                "dev.thingbridge.mqtt.MqttEndpoint", "dev.thingbridge.mqtt.PayloadFormat",
                "dev.thingbridge.mqtt.crt.CrtMqttClient", "dev.thingbridge.mqtt.crt.CrtMqttOptions",
                "java.nio.file.Path", "java.time.Duration", "java.util.concurrent.TimeUnit"),
            "", ""),
        new Example("DefenderReporter reporter = DefenderReporter.builder(mqtt)",
            List.of("dev.thingbridge.defender.*", "dev.thingbridge.mqtt.MqttClient",
                "dev.thingbridge.mqtt.PayloadFormat", "java.nio.file.Path", "java.time.Clock", "java.util.List",
                "java.util.Map", "java.util.concurrent.TimeUnit"),
            "", "MqttClient mqtt"),
        // a whole program: compiled as written
        new Example("class FlashSensor", List.of(), null, null),
        new Example("McuOtaPlatform platform = McuOtaPlatform.of(mcu, flash",
            List.of("dev.thingbridge.mcu.*", "dev.thingbridge.transfer.*", "dev.thingbridge.mqtt.MqttClient",
                "java.nio.file.Path", "java.time.Duration"),
            "interface Telemetry { void awaitFrom(String id, Duration within) throws Exception; }",
            "MqttClient mqtt, Path stateDir, SignatureVerifier verifier, Telemetry telemetry"));
  }

  /** Every ```java block of the README is one of {@link #examples()}: a new block must be added there. */
  @org.junit.jupiter.api.Test
  void every_readme_java_block_is_compiled() throws IOException {
    List<String> phrases = examples().map(Example::phrase).toList();
    for (String block : javaBlocks()) {
      assertThat(phrases.stream().filter(block::contains).count())
          .as("examples() phrases found in this README block:\n%s", block).isEqualTo(1);
    }
  }

  @TempDir static Path out;
  /** Each example's errors ("" when it compiled), from one javac run over all of them (one run is quick). */
  private static Map<Example, String> errors;

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void readme_example_compiles(Example example) throws Exception {
    assertThat(compileAll().get(example)).as("errors of the README example %s", example).isEmpty();
  }

  private static synchronized Map<Example, String> compileAll() throws IOException {
    if (errors != null) {
      return errors;
    }
    List<String> blocks = javaBlocks();
    Map<Example, JavaFileObject> files = new LinkedHashMap<>();
    int n = 0;
    for (Example example : examples().toList()) {
      List<String> matching = blocks.stream().filter(b -> b.contains(example.phrase())).toList();
      assertThat(matching).as("README ```java blocks containing %s", example.phrase()).hasSize(1);
      String pkg = "readme.example" + n++;
      String source = wrap(example, pkg, matching.get(0));
      String name = example.helpers() == null ? "FlashSensor" : pkg.replace('.', '/') + "/Example";
      files.put(example, new SimpleJavaFileObject(
          java.net.URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
          return source;
        }
      });
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    ToolProvider.getSystemJavaCompiler().getTask(null, null, diagnostics,
        List.of("-classpath", classpath(), "-d", out.toString(), "-proc:none"), null, files.values()).call();
    Map<Example, String> result = new LinkedHashMap<>();
    files.forEach((example, file) -> {
      String report = diagnostics.getDiagnostics().stream()
          .filter(d -> d.getKind() == Diagnostic.Kind.ERROR && d.getSource() == file)
          .map(d -> "line " + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
          .collect(Collectors.joining("\n"));
      result.put(example, report.isEmpty() ? "" : report + "\n--- source ---\n" + source(file));
    });
    errors = result;
    return result;
  }

  private static String source(JavaFileObject file) {
    try {
      return file.getCharContent(true).toString();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<String> javaBlocks() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    List<String> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(readme);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    assertThat(blocks).as("```java blocks in README.md").isNotEmpty();
    return blocks;
  }

  /** Lines that start a declaration: the README's records and types become members of the example's class. */
  private static final Pattern DECLARATION = Pattern.compile("^(record |sealed |interface |enum |class |@[A-Z]).*");

  private static String wrap(Example example, String pkg, String block) {
    if (example.helpers() == null) {
      return block;
    }
    List<String> lines = block.lines().toList();
    int split = 0; // leading paragraphs of declarations (local sealed types are not allowed): class members
    while (split < lines.size() && DECLARATION.matcher(lines.get(split)).matches()) {
      while (split < lines.size() && !lines.get(split).isBlank()) {
        split++;
      }
      while (split < lines.size() && lines.get(split).isBlank()) {
        split++;
      }
    }
    String members = String.join("\n", lines.subList(0, split));
    String body = lines.subList(split, lines.size()).stream()
        .map(line -> line.strip().equals("...") ? "// ..." : line)
        .collect(Collectors.joining("\n    ", "    ", "\n"));
    String imports = example.imports().stream().map(i -> "import " + i + ";\n").collect(Collectors.joining());
    return "package " + pkg + ";\n" + imports + "\nclass Example {\n" + example.helpers() + "\n" + members + "\n\n"
        + "  void example(" + example.parameters() + ") throws Exception {\n" + body + "  }\n}\n";
  }

  /**
   * The test classpath: the project's classes and every dependency, the AWS SDK's too (surefire keeps the real
   * one in {@code surefire.test.class.path} when it starts the JVM through a manifest-only jar).
   */
  private static String classpath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }
}
