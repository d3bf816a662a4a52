package dev.thingbridge.component;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample sibling in {@code samples/fan-sibling} stays true to the code: its source compiles against the
 * current sibling client, and its recipe's accessControl is exactly the policy the README documents and the
 * sibling tests deploy (the fake nucleus authorises with it).
 */
class SampleSiblingTest {
  private static final Path SAMPLE = Path.of(System.getProperty("basedir", "")).toAbsolutePath()
      .resolve("samples/fan-sibling");

  @TempDir Path classes;

  @Test
  void the_sample_compiles_against_the_sibling_client() {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter errors = new StringWriter();
    boolean ok = javac.getTask(errors, null, null, List.of("-d", classes.toString(), "-classpath",
            System.getProperty("java.class.path"), "--release", "17"), null,
        javac.getStandardFileManager(null, null, null).getJavaFileObjects(
            SAMPLE.resolve("src/main/java/com/example/fan/FanComponent.java").toFile())).call();
    assertThat(ok).as(errors.toString()).isTrue();
    assertThat(classes.resolve("com/example/fan/FanComponent.class")).exists();
  }

  @Test
  void its_recipe_carries_exactly_the_documented_access_control() throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode recipe = new ObjectMapper(new YAMLFactory()).readTree(SAMPLE.resolve("recipe.yaml").toFile());
    assertThat(recipe.path("ComponentName").asText()).isEqualTo("com.example.Fan");
    assertThat(recipe.at("/ComponentConfiguration/DefaultConfiguration/accessControl"))
        .isEqualTo(json.valueToTree(SiblingRig.siblingPolicy("com.example.Fan")));
    String readme = Files.readString(Path.of(System.getProperty("basedir", "")).toAbsolutePath()
        .resolve("README.md"));
    assertThat(readme).contains("thingbridge/com.example.Fan/*").contains("com.example.Fan:thingbridge:1");
  }
}
