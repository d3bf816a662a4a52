package dev.thingbridge.component;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Node;

/** Where the project's packaging files are, and how to read them the way gdk and the nucleus do. */
final class ProjectFiles {
  static final String COMPONENT_NAME = "dev.thingbridge.ThingBridge";
  static final YAMLMapper YAML = new YAMLMapper();
  static final ObjectMapper JSON = new ObjectMapper();

  private ProjectFiles() {}

  /** The project directory (Maven runs tests there and also passes it as {@code basedir}). */
  static Path root() {
    return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
  }

  static Path recipe() {
    return root().resolve("recipe.yaml");
  }

  static Path gdkConfig() {
    return root().resolve("gdk-config.json");
  }

  /** gdk 1.6.2's schemas, from {@code -Dthingbridge.schemas} (set by the pom) or {@code ../shared/schemas}. */
  static Path schemas() {
    Path dir = Path.of(System.getProperty("thingbridge.schemas", root().resolve("../shared/schemas").toString()));
    assertThat(dir.resolve("recipe_schema.json"))
        .as("gdk 1.6.2's schemas are expected in %s (set -Dthingbridge.schemas=<dir>)", dir)
        .isRegularFile();
    return dir;
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode readYaml(String text) {
    try {
      return YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode readJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The project version from {@code pom.xml}: the component version everything else must repeat. */
  static String pomVersion() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document pom = f.newDocumentBuilder().parse(root().resolve("pom.xml").toFile());
      for (Node n = pom.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
        if ("version".equals(n.getNodeName())) {
          return n.getTextContent().trim();
        }
      }
      throw new IllegalStateException("pom.xml has no project version");
    } catch (Exception e) {
      throw new IllegalStateException("cannot read pom.xml", e);
    }
  }

  /**
   * A copy with every object key lower-cased, recursively, including keys inside DefaultConfiguration:
   * what gdk does before it validates a recipe against its (lower-case) schema.
   */
  static JsonNode lowerCaseKeys(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = JSON.createObjectNode();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        out.set(e.getKey().toLowerCase(Locale.ROOT), lowerCaseKeys(e.getValue()));
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JSON.createArrayNode();
      node.forEach(child -> out.add(lowerCaseKeys(child)));
      return out;
    }
    return node;
  }
}
