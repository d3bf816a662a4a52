package dev.thingbridge.component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code gdk component build} (1.6.2, {@code build_system: maven}) does after {@code mvn package},
 * short of running gdk: validate the recipe, set ComponentName/Version/Publisher from gdk-config.json,
 * find each {@code s3://} artifact by file name in the {@code target/} folder of every directory holding a
 * {@code pom.xml}, copy it to {@code greengrass-build/artifacts/<name>/<version>/}, rewrite its URI to
 * {@code s3://BUCKET_NAME/COMPONENT_NAME/COMPONENT_VERSION/<file>} and write the recipe to
 * {@code greengrass-build/recipes/}.
 */
final class GdkBuildSimulation {
  /** What the build produced, and the problems gdk would have stopped on. */
  record Result(Path recipe, Path artifactsDir, List<String> problems) {}

  private GdkBuildSimulation() {}

  static Result build(Path project, Path buildRoot, Path schemas) throws IOException {
    List<String> problems = new ArrayList<>();
    Path recipeFile = project.resolve("recipe.yaml");
    String raw = Files.readString(recipeFile);
    problems.addAll(RecipeChecks.sizeProblems(raw));
    JsonNode source = ProjectFiles.readYaml(raw);
    problems.addAll(RecipeChecks.schemaProblems(source, schemas));

    JsonNode gdk = ProjectFiles.readJson(Files.readString(project.resolve("gdk-config.json")));
    Map.Entry<String, JsonNode> component = gdk.path("component").properties().iterator().next();
    String name = component.getKey();
    String version = component.getValue().path("version").asText();
    ObjectNode built = source.deepCopy();
    built.put("ComponentName", name);
    built.put("ComponentVersion", version);
    built.put("ComponentPublisher", component.getValue().path("author").asText());

    Path artifactsDir = buildRoot.resolve("greengrass-build/artifacts").resolve(name).resolve(version);
    Files.createDirectories(artifactsDir);
    for (JsonNode manifest : built.path("Manifests")) {
      for (JsonNode artifact : manifest.path("Artifacts")) {
        String uri = artifact.path("URI").asText();
        if (!uri.startsWith("s3://")) {
          continue;
        }
        String file = uri.substring(uri.lastIndexOf('/') + 1);
        Path found = project.resolve("target").resolve(file);
        if (!Files.isRegularFile(found)) {
          problems.add("gdk finds no target/" + file + " for " + uri + " and would look it up on S3");
          continue;
        }
        Files.copy(found, artifactsDir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        ((ObjectNode) artifact).put("URI", "s3://BUCKET_NAME/COMPONENT_NAME/COMPONENT_VERSION/" + file);
      }
    }
    Path recipesDir = Files.createDirectories(buildRoot.resolve("greengrass-build/recipes"));
    Path builtRecipe = recipesDir.resolve(recipeFile.getFileName());
    ProjectFiles.YAML.writeValue(builtRecipe.toFile(), built);
    return new Result(builtRecipe, artifactsDir, problems);
  }
}
