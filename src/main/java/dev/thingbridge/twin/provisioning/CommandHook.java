package dev.thingbridge.twin.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A hook that is a local program: run without a shell, the input JSON on its stdin, the decision JSON on its
 * stdout (read from a temp file once it exited, so a hook that hangs cannot block the reader); exit status 0
 * required. Killed when it runs out of time.
 */
final class CommandHook implements PreProvisioningHook {
  private static final int MAX_ANSWER = 64 * 1024;
  private final List<String> command;

  public CommandHook(List<String> command) {
    this.command = List.copyOf(command);
  }

  @Override
  public Decision decide(JsonNode input, Duration timeout) throws Exception {
    Path answerFile = Files.createTempFile("thingbridge-hook-", ".json");
    Process p = null;
    try {
      p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
          .redirectOutput(answerFile.toFile()).start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(ProvisioningJson.MAPPER.writeValueAsBytes(input));
      } catch (IOException ignored) {
        // The hook may exit without reading its input; its answer still counts.
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException("the hook did not finish within " + timeout.toMillis() + " ms");
      }
      if (p.exitValue() != 0) {
        throw new IOException("the hook exited with " + p.exitValue());
      }
      try (InputStream out = Files.newInputStream(answerFile)) {
        return HookAnswers.read(out.readNBytes(MAX_ANSWER));
      }
    } finally {
      if (p != null) {
        p.destroyForcibly();
      }
      Files.deleteIfExists(answerFile);
    }
  }
}
