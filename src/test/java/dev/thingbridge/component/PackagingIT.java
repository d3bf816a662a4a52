package dev.thingbridge.component;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.testing.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code mvn package} leaves behind, checked the way gdk, greengrass-cli and a device use it. */
class PackagingIT {
  private static final Path JAR = Path.of(System.getProperty("thingbridge.jar", "target/thingbridge.jar"));
  private static final String VERSION = ProjectFiles.pomVersion();
  private static final Path LOCAL_ARTIFACTS = ProjectFiles.root().resolve("artifacts");

  @TempDir Path buildRoot;

  @Test
  void the_shaded_jar_runs_and_reports_the_pom_version() throws Exception {
    try (ChildProcess jar = ChildProcess.start(ChildProcess.javaJar(JAR.toString(), "--version"))) {
      assertThat(jar.awaitExit(Duration.ofSeconds(30))).isZero();
      assertThat(jar.output().lines()).contains("thingbridge " + VERSION);
    }
  }

  @Test
  void the_shaded_jar_carries_the_crt_natives_for_linux_x86_64_and_armv8_glibc_and_musl() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      for (String arch : List.of("x86_64", "armv8")) {
        for (String libc : List.of("glibc", "musl")) {
          String entry = "linux/" + arch + "/" + libc + "/libaws-crt-jni.so";
          assertThat(jar.getJarEntry(entry)).as(entry).isNotNull();
          assertThat(jar.getJarEntry(entry).getSize()).as(entry).isGreaterThan(1_000_000);
        }
      }
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("dev.thingbridge.cli.Main");
    }
  }

  @Test
  void every_s3_artifact_of_the_recipe_is_in_target_where_gdk_looks_for_it() {
    for (String file : artifactFileNames(ProjectFiles.readYaml(ProjectFiles.read(ProjectFiles.recipe())))) {
      assertThat(ProjectFiles.root().resolve("target").resolve(file)).isRegularFile();
    }
  }

  @Test
  void artifacts_are_laid_out_for_a_greengrass_cli_local_deployment() throws IOException {
    Path recipeCopy = LOCAL_ARTIFACTS.resolve("recipes").resolve(ProjectFiles.COMPONENT_NAME + "-" + VERSION + ".yaml");
    Path componentDir = LOCAL_ARTIFACTS.resolve(ProjectFiles.COMPONENT_NAME).resolve(VERSION);
    assertThat(recipeCopy).isRegularFile();
    assertThat(componentDir.resolve("thingbridge.jar")).isRegularFile().hasSameBinaryContentAs(JAR);

    JsonNode copy = ProjectFiles.readYaml(ProjectFiles.read(recipeCopy));
    assertThat(copy.path("ComponentName").asText()).isEqualTo(ProjectFiles.COMPONENT_NAME);
    assertThat(copy.path("ComponentVersion").asText()).isEqualTo(VERSION);
    // The nucleus finds a local deployment's artifacts by the URI's file name in artifacts/<name>/<version>/.
    List<String> files = artifactFileNames(copy);
    assertThat(files).isNotEmpty();
    for (String file : files) {
      assertThat(componentDir.resolve(file)).isRegularFile();
    }
    assertThat(RecipeChecks.schemaProblems(copy, ProjectFiles.schemas())).isEmpty();
  }

  @Test
  void a_simulated_gdk_component_build_produces_a_valid_recipe_and_its_artifacts() throws IOException {
    GdkBuildSimulation.Result build =
        GdkBuildSimulation.build(ProjectFiles.root(), buildRoot, ProjectFiles.schemas());
    assertThat(build.problems()).isEmpty();

    String raw = Files.readString(build.recipe());
    JsonNode built = ProjectFiles.readYaml(raw);
    assertThat(RecipeChecks.schemaProblems(built, ProjectFiles.schemas())).isEmpty();
    assertThat(RecipeChecks.sizeProblems(raw)).isEmpty();
    assertThat(RecipeChecks.unquotedVersionProblems(raw)).isEmpty();
    assertThat(RecipeChecks.variableProblems(built)).isEmpty();
    assertThat(RecipeChecks.accessControlProblems(built)).isEmpty();
    assertThat(built.path("ComponentVersion").asText()).isEqualTo(VERSION);
    assertThat(build.artifactsDir())
        .isEqualTo(buildRoot.resolve("greengrass-build/artifacts/" + ProjectFiles.COMPONENT_NAME + "/" + VERSION));
    for (String file : artifactFileNames(built)) {
      assertThat(build.artifactsDir().resolve(file)).isRegularFile().hasSameBinaryContentAs(JAR);
    }
  }

  @Test
  void the_simulated_gdk_build_reports_an_artifact_missing_from_target(@TempDir Path project) throws IOException {
    Files.copy(ProjectFiles.gdkConfig(), project.resolve("gdk-config.json"));
    Files.writeString(
        project.resolve("recipe.yaml"),
        ProjectFiles.read(ProjectFiles.recipe()).replace("/thingbridge.jar\"\n", "/thingbridge-all.jar\"\n"));
    Files.createDirectories(project.resolve("target"));
    assertThat(GdkBuildSimulation.build(project, buildRoot, ProjectFiles.schemas()).problems())
        .singleElement()
        .asString()
        .contains("no target/thingbridge-all.jar");
  }

  private static List<String> artifactFileNames(JsonNode recipe) {
    List<String> files = new ArrayList<>();
    recipe.path("Manifests").forEach(m -> m.path("Artifacts").forEach(a -> {
      String uri = a.path("URI").asText();
      if (uri.startsWith("s3://")) {
        files.add(uri.substring(uri.lastIndexOf('/') + 1));
      }
    }));
    return files;
  }
}
