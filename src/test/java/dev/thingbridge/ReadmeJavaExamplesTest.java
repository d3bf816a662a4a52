package dev.thingbridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compiles a declared set of the README's {@code ```java} blocks against the project's classes, so that a
 * renamed type or method in them fails the build instead of misleading a reader. A block is found by a
 * phrase it contains (not by its position), wrapped as the body of a method whose parameters and helper
 * methods stand for what the README leaves to the reader ({@code mqtt}, {@code install(...)}); a line
 * {@code ...} becomes a comment. A block that is a whole compilation unit is compiled as written.
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
    return Stream.of(
        new Example("ThingBridgeClient.builder(\"com.example.Fan\")",
            List.of("dev.thingbridge.sibling.*", "java.util.*"),
            "void setSpeed(int speed) {}\nvoid calibrate() {}\nvoid stop() {}\n"
                + "void log(Object event) {}", ""),
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
        new Example("OtaAgent ota = OtaAgent.builder(mqtt, platform, stateDir)",
            List.of("dev.thingbridge.transfer.*", "dev.thingbridge.mqtt.MqttClient", "java.nio.file.Path",
                "java.util.concurrent.TimeUnit"),
            "void checkTheNewVersion() {}", "MqttClient mqtt, Path stateDir"),
        // a whole program: compiled as written
        new Example("class FlashSensor", List.of(), null, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void readme_example_compiles(Example example, @TempDir Path out) throws Exception {
    List<String> blocks = javaBlocks();
    List<String> matching = blocks.stream().filter(b -> b.contains(example.phrase())).toList();
    assertThat(matching).as("README ```java blocks containing %s", example.phrase()).hasSize(1);

    String source = wrap(example, matching.get(0));
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    String name = example.helpers() == null ? "FlashSensor" : "readme/Example";
    JavaFileObject file = new SimpleJavaFileObject(
        java.net.URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    boolean compiled = compiler.getTask(null, null, diagnostics,
        List.of("-classpath", classpath(), "-d", out.toString(), "-proc:none"), null, List.of(file)).call();
    String report = diagnostics.getDiagnostics().stream()
        .map(d -> "line " + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
        .collect(Collectors.joining("\n"));
    assertThat(compiled).as("the README example compiles:\n%s\n--- source ---\n%s", report, source).isTrue();
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

  private static String wrap(Example example, String block) {
    if (example.helpers() == null) {
      return block;
    }
    String body = block.lines()
        .map(line -> line.strip().equals("...") ? "// ..." : line)
        .collect(Collectors.joining("\n    ", "    ", "\n"));
    String imports = example.imports().stream().map(i -> "import " + i + ";\n").collect(Collectors.joining());
    return "package readme;\n" + imports + "\nclass Example {\n" + example.helpers() + "\n\n"
        + "  void example(" + example.parameters() + ") throws Exception {\n" + body + "  }\n}\n";
  }

  /** The project's classes and the Jackson jars the examples' types expose. */
  private static String classpath() throws URISyntaxException {
    List<String> entries = new ArrayList<>();
    entries.add(Path.of("target", "classes").toAbsolutePath().toString());
    for (Class<?> type : List.of(JsonNode.class, JsonFactory.class, JsonTypeName.class)) {
      entries.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    }
    return String.join(File.pathSeparator, entries);
  }
}
