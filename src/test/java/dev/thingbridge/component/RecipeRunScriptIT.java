package dev.thingbridge.component;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the recipe's Run script the way the nucleus does ({@code sh -c}, working directory
 * {@code {work:path}}, artifacts from {@code artifacts/<name>/<version>/}) and stops it the way the nucleus
 * does: SIGTERM to every descendant of the launched process, then (nucleus 2.15.0 and later) to the
 * launched process itself. The component's own {@code run} needs a nucleus to talk to, so the script
 * starts {@code local} instead; everything else in it is the recipe's text. Each case runs under dash
 * (Debian's {@code sh}) and bash (the {@code sh} of Amazon Linux and RHEL): bash replaces itself with the
 * last command of a {@code -c} script, so only the script's shape keeps the JVM a child there.
 */
class RecipeRunScriptIT {
  private static final Duration START = Duration.ofSeconds(30);
  private static final Duration STOP = Duration.ofSeconds(5);

  @TempDir Path work;

  private ProcessBuilder nucleusStyleLaunch(String shell) {
    JsonNode recipe = ProjectFiles.readYaml(ProjectFiles.read(ProjectFiles.recipe()));
    String version = recipe.path("ComponentVersion").asText();
    Path artifacts = ProjectFiles.root().resolve("artifacts").resolve(ProjectFiles.COMPONENT_NAME).resolve(version);
    String script = recipe.at("/Manifests/0/Lifecycle/Run/Script").asText();
    assertThat(script).containsPattern("thingbridge\\.jar\" run\\b");
    String rendered =
        script
            .replace("{work:path}", work.toString())
            .replace("{artifacts:path}", artifacts.toString())
            .replace("{configuration:/logLevel}", recipe.at("/ComponentConfiguration/DefaultConfiguration/logLevel").asText())
            .replaceFirst("thingbridge\\.jar\" run\\b", "thingbridge.jar\" local");
    return new ProcessBuilder(shell, "-c", rendered).directory(work.toFile());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sh", "bash"})
  void the_jvm_is_a_child_of_the_shell_and_ends_on_sigterm_to_descendants_like_older_nuclei_send(String shell)
      throws Exception {
    try (ChildProcess sh = ChildProcess.start(nucleusStyleLaunch(shell))) {
      sh.awaitLine(l -> l.startsWith("ready:"), START);
      ProcessHandle jvm = onlyJavaChild(sh);
      assertThat(Files.isDirectory(work.resolve("native"))).as("CRT native dir made first").isTrue();

      jvm.destroy(); // SIGTERM to the descendant only, as nuclei before 2.15.0 do
      assertThat(jvm.onExit().get(STOP.toMillis(), TimeUnit.MILLISECONDS).isAlive()).isFalse();
      assertThat(sh.awaitExit(STOP)).as("the shell passes on the JVM's 128 + SIGTERM").isEqualTo(143);
      assertThat(sh.output()).contains("stopped after");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sh", "bash"})
  void sigterm_to_descendants_then_to_the_shell_like_newer_nuclei_send_still_lets_the_jvm_finish(String shell)
      throws Exception {
    try (ChildProcess sh = ChildProcess.start(nucleusStyleLaunch(shell))) {
      sh.awaitLine(l -> l.startsWith("ready:"), START);
      ProcessHandle jvm = onlyJavaChild(sh);

      jvm.destroy();
      sh.process().toHandle().destroy();
      assertThat(jvm.onExit().get(STOP.toMillis(), TimeUnit.MILLISECONDS).isAlive()).isFalse();
      sh.awaitExit(STOP);
      // Java closes a child's output pipe once the child (the shell) has exited, so the JVM's last lines may never be
      // read here. The last step of closing is removing local's temporary state directory: it must be gone.
      String signKey = sh.awaitLine(l -> l.contains("--sign-key "), STOP);
      Path state = Path.of(signKey.substring(signKey.indexOf("--sign-key ") + 11).trim()).getParent();
      assertThat(state.getFileName().toString()).startsWith("thingbridge-local-");
      assertThat(state).as("local closed everything and removed its temporary state").doesNotExist();
    }
  }

  private static ProcessHandle onlyJavaChild(ChildProcess sh) {
    ProcessHandle shell = sh.process().toHandle();
    assertThat(shell.info().command().orElse("")).as("launched process").doesNotEndWith("java");
    List<ProcessHandle> children = shell.children().toList();
    assertThat(children).hasSize(1);
    assertThat(children.get(0).info().command().orElse("")).endsWith("java");
    return children.get(0);
  }
}
