package dev.thingbridge.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code thingbridge completion bash|zsh}: prints picocli's completion script for the whole command tree. */
@Command(name = "completion",
    description = {"Print the shell completion script for thingbridge (commands, options, enum values, files).",
        "bash: thingbridge completion bash > ~/.local/share/bash-completion/completions/thingbridge",
        "zsh:  thingbridge completion zsh > ~/.zsh/completions/_thingbridge (a directory on $fpath)",
        "or, for the current shell only: source <(thingbridge completion bash)"})
final class CompletionCommand implements Callable<Integer> {
  /** The shells the script supports. */
  enum Shell { bash, zsh }

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
  Shell shell;

  @Override
  public Integer call() {
    String script = AutoComplete.bash("thingbridge", spec.root().commandLine());
    if (shell == Shell.zsh) {
      // picocli's script is a bash completion; zsh runs it through bashcompinit.
      script = "#compdef thingbridge\nautoload -U +X compinit && compinit\n"
          + "autoload -U +X bashcompinit && bashcompinit\n" + script;
    }
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
