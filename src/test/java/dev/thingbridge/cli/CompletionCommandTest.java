package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code thingbridge completion bash|zsh}: the script completes commands, options and enum values in a real bash. */
class CompletionCommandTest {
  @TempDir Path dir;

  private static String script(String shell) {
    CommandLine cl = ThingBridgeCommand.newCommandLine();
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    assertThat(cl.execute("completion", shell)).isZero();
    return out.toString();
  }

  /** What bash's completion offers for {@code line} (the last word being completed). */
  private List<String> complete(String line) throws Exception {
    Path script = Files.writeString(dir.resolve("thingbridge.bash"), script("bash"));
    String words = line.endsWith(" ") ? line + "''" : line;
    String shell = "compopt() { :; }\n" // only valid inside a real completion; the test calls the function itself
        + "source '" + script + "'\n"
        + "COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(" + words + ");"
        + " COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
        + "_complete_thingbridge\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
    Process p = new ProcessBuilder("bash", "-c", shell).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  @Test
  void bash_completes_commands_subcommands_options_and_values() throws Exception {
    assertThat(complete("thingbridge sh")).containsExactly("shadow");
    assertThat(complete("thingbridge shadow ")).contains("get", "update", "delete", "watch");
    assertThat(complete("thingbridge shadow get --th")).containsExactly("--thing");
    assertThat(complete("thingbridge jobs update --status ")).contains("IN_PROGRESS", "SUCCEEDED", "FAILED",
        "REJECTED");
    assertThat(complete("thingbridge completion ")).containsExactly("bash", "zsh");
  }

  @Test
  void the_zsh_script_is_the_bash_one_behind_bashcompinit() {
    String zsh = script("zsh");
    assertThat(zsh).startsWith("#compdef thingbridge\n").contains("bashcompinit").endsWith(script("bash"));
  }
}
