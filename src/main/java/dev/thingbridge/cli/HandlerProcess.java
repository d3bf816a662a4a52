package dev.thingbridge.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs one handler executable for a job or a command: input on standard input, context in the
 * environment; collects standard output and the last lines of standard error; stops it (TERM, then KILL
 * after a grace period) when its deadline passes or the work is canceled.
 */
final class HandlerProcess {
  static final int STDERR_LINES = 10;
  private static final Duration KILL_GRACE = Duration.ofSeconds(5);
  private static final int MAX_STDOUT = 1024 * 1024;

  /** How a run ended. {@code exitCode} is -1 when the process was stopped. */
  record Result(int exitCode, byte[] stdout, List<String> stderrTail, boolean timedOut, boolean cancelled) {
    String stderrSummary() {
      return String.join(" | ", stderrTail);
    }
  }

  private HandlerProcess() {}

  static Result run(List<String> command, Path workDir, Map<String, String> env, byte[] stdin, Instant deadline,
      BooleanSupplier cancelled) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    pb.environment().putAll(env);
    Process p = pb.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Deque<String> tail = new ArrayDeque<>();
    Thread outReader = drain(p.getInputStream(), out, null, "thingbridge-cli-handler-stdout");
    Thread errReader = drain(p.getErrorStream(), null, tail, "thingbridge-cli-handler-stderr");
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin);
    } catch (IOException closedEarly) {
      // The handler need not read its input.
    }
    boolean timedOut = false;
    boolean wasCancelled = false;
    try {
      while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
        if (cancelled.getAsBoolean()) {
          wasCancelled = true;
          break;
        }
        if (deadline != null && Instant.now().isAfter(deadline)) {
          timedOut = true;
          break;
        }
      }
    } catch (InterruptedException e) {
      wasCancelled = true;
    }
    if (timedOut || wasCancelled) {
      stop(p);
    }
    outReader.join(2000);
    errReader.join(2000);
    List<String> lines;
    synchronized (tail) {
      lines = List.copyOf(tail);
    }
    return new Result(timedOut || wasCancelled ? -1 : p.exitValue(), out.toByteArray(), lines, timedOut, wasCancelled);
  }

  private static void stop(Process p) throws InterruptedException {
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
    if (!p.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static Thread drain(InputStream in, ByteArrayOutputStream sink, Deque<String> tail, String name) {
    Thread t = new Thread(() -> {
      try (in) {
        if (sink != null) {
          byte[] buf = new byte[8192];
          int n;
          while ((n = in.read(buf)) >= 0) {
            if (sink.size() + n <= MAX_STDOUT) {
              sink.write(buf, 0, n);
            }
          }
        } else {
          var reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
          String line;
          while ((line = reader.readLine()) != null) {
            synchronized (tail) {
              if (!line.isBlank()) {
                tail.addLast(line);
              }
              while (tail.size() > STDERR_LINES) {
                tail.removeFirst();
              }
            }
          }
        }
      } catch (IOException ignored) {
        // The process went away; what was read is kept.
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
