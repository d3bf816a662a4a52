package dev.thingbridge.component;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gdk-config.json as gdk 1.6.2 reads it, and its agreement with the recipe and the pom. */
class GdkConfigTest {
  /** The newest gdk release the project is checked against (its schemas are in ../shared/schemas). */
  static final String GDK_VERSION = "1.6.2";

  private final JsonNode config = ProjectFiles.readJson(ProjectFiles.read(ProjectFiles.gdkConfig()));
  private final JsonNode recipe = ProjectFiles.readYaml(ProjectFiles.read(ProjectFiles.recipe()));

  /** Everything gdk and this project require of gdk-config.json, empty when it is right. */
  static List<String> problems(JsonNode config, JsonNode recipe, String pomVersion) {
    List<String> problems = new ArrayList<>(RecipeChecks.gdkConfigSchemaProblems(config, ProjectFiles.schemas()));
    String gdkVersion = config.path("gdk_version").asText("");
    if (!gdkVersion.matches("\\d+\\.\\d+\\.\\d+") || compareVersions(gdkVersion, GDK_VERSION) > 0) {
      problems.add("gdk_version " + gdkVersion + " is not a release at or below " + GDK_VERSION);
    }
    JsonNode components = config.path("component");
    Iterator<String> names = components.fieldNames();
    String name = names.hasNext() ? names.next() : "";
    if (names.hasNext()) {
      problems.add("gdk supports exactly one component per project");
    }
    if (!name.equals(recipe.path("ComponentName").asText())) {
      problems.add("component " + name + " is not the recipe's " + recipe.path("ComponentName").asText());
    }
    JsonNode component = components.path(name);
    if (!component.path("version").asText().equals(pomVersion)) {
      problems.add("version " + component.path("version") + " is not the pom's " + pomVersion);
    }
    if (!component.path("author").asText().equals(recipe.path("ComponentPublisher").asText())) {
      problems.add("author " + component.path("author") + " would overwrite the recipe's ComponentPublisher");
    }
    if (!component.at("/build/build_system").asText().equals("maven")) {
      problems.add("build_system must be maven: gdk then finds target/thingbridge.jar itself");
    }
    return problems;
  }

  /** Numeric comparison of dotted versions, as {@code packaging.Version} does for plain releases. */
  static int compareVersions(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int c = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  @Test
  void gdk_config_validates_and_agrees_with_the_recipe_and_the_pom() {
    assertThat(problems(config, recipe, ProjectFiles.pomVersion())).isEmpty();
  }

  @Test
  void versions_compare_numerically_not_as_text() {
    assertThat(compareVersions("1.10.0", "1.6.2")).isPositive();
    assertThat(compareVersions("1.6.2", "1.6.2")).isZero();
    assertThat(compareVersions("1.2.0", "1.6.2")).isNegative();
  }

  @Test
  void a_newer_gdk_version_is_reported() {
    ObjectNode newer = config.deepCopy();
    newer.put("gdk_version", "1.7.0");
    assertThat(problems(newer, recipe, ProjectFiles.pomVersion())).singleElement().asString().contains("gdk_version");
  }

  @Test
  void a_component_name_other_than_the_recipes_is_reported() {
    ObjectNode renamed = config.deepCopy();
    ObjectNode components = (ObjectNode) renamed.path("component");
    components.set("com.example.Other", components.remove(ProjectFiles.COMPONENT_NAME));
    assertThat(problems(renamed, recipe, ProjectFiles.pomVersion()))
        .anyMatch(p -> p.contains("is not the recipe's " + ProjectFiles.COMPONENT_NAME));
  }

  @Test
  void an_unknown_build_system_or_a_missing_bucket_fails_the_schema() {
    ObjectNode ant = config.deepCopy();
    ((ObjectNode) ant.at("/component/" + ProjectFiles.COMPONENT_NAME + "/build")).put("build_system", "ant");
    assertThat(RecipeChecks.gdkConfigSchemaProblems(ant, ProjectFiles.schemas())).isNotEmpty();
    ObjectNode noBucket = config.deepCopy();
    ((ObjectNode) noBucket.at("/component/" + ProjectFiles.COMPONENT_NAME + "/publish")).remove("bucket");
    assertThat(RecipeChecks.gdkConfigSchemaProblems(noBucket, ProjectFiles.schemas())).isNotEmpty();
  }

  @Test
  void a_version_other_than_the_poms_is_reported() {
    assertThat(problems(config, recipe, "9.9.9")).singleElement().asString().contains("not the pom's 9.9.9");
  }
}
