package dev.thingbridge.internal;

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
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * Runs one handler executable for a job or a command: input on standard input, context in the
 * environment; collects standard output (bounded) and the last lines of both streams, passing each line to
 * an observer as it comes; stops it (TERM, then KILL after a grace period) when its deadline passes or the
 * work is canceled.
 */
public final class HandlerProcess {
  public static final int TAIL_LINES = 10;
  private static final Duration KILL_GRACE = Duration.ofSeconds(5);
  private static final int MAX_STDOUT = 1024 * 1024;

  /** Sees each line a handler writes: {@code ("stdout"|"stderr", line)}, on the reader's thread. */
  public interface LineObserver extends BiConsumer<String, String> {
    LineObserver NONE = (stream, line) -> {};
  }

  /** How a run ended. {@code exitCode} is -1 when the process was stopped. */
  public record Result(int exitCode, byte[] stdout, List<String> stdoutTail, List<String> stderrTail, boolean timedOut,
      boolean cancelled) {
    public String stderrSummary() {
      return String.join(" | ", stderrTail);
    }

    public String stdoutSummary() {
      return String.join(" | ", stdoutTail);
    }
  }

  private HandlerProcess() {}

  public static Result run(List<String> command, Path workDir, Map<String, String> env, byte[] stdin, Instant deadline,
      BooleanSupplier cancelled, LineObserver observer) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    pb.environment().putAll(env);
    Process p = pb.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Deque<String> outTail = new ArrayDeque<>();
    Deque<String> errTail = new ArrayDeque<>();
    Thread outReader = drain(p.getInputStream(), out, outTail, line -> observer.accept("stdout", line),
        "thingbridge-cli-handler-stdout");
    Thread errReader = drain(p.getErrorStream(), null, errTail, line -> observer.accept("stderr", line),
        "thingbridge-cli-handler-stderr");
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
    return new Result(timedOut || wasCancelled ? -1 : p.exitValue(), out.toByteArray(), copy(outTail),
        copy(errTail), timedOut, wasCancelled);
  }

  private static List<String> copy(Deque<String> tail) {
    synchronized (tail) {
      return List.copyOf(tail);
    }
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

  /** Reads a stream to its end: the bytes into {@code sink} (bounded) if given, the lines into the tail. */
  private static Thread drain(InputStream in, ByteArrayOutputStream sink, Deque<String> tail,
      java.util.function.Consumer<String> lines, String name) {
    Thread t = new Thread(() -> {
      LineSplitter splitter = new LineSplitter(line -> {
        synchronized (tail) {
          if (!line.isBlank()) {
            tail.addLast(line);
          }
          while (tail.size() > TAIL_LINES) {
            tail.removeFirst();
          }
        }
        lines.accept(line);
      });
      try (in) {
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (sink != null && sink.size() + n <= MAX_STDOUT) {
            sink.write(buf, 0, n);
          }
          splitter.accept(buf, n);
        }
      } catch (IOException ignored) {
        // The process went away; what was read is kept.
      }
      splitter.finish();
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Cuts a byte stream into UTF-8 lines; a line longer than 8 KiB is passed on in pieces. */
  private static final class LineSplitter {
    private static final int MAX_LINE = 8192;
    private final java.util.function.Consumer<String> lines;
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();

    LineSplitter(java.util.function.Consumer<String> lines) {
      this.lines = lines;
    }

    void accept(byte[] buf, int n) {
      for (int i = 0; i < n; i++) {
        byte b = buf[i];
        if (b == '\n' || current.size() >= MAX_LINE) {
          emit();
          if (b == '\n') {
            continue;
          }
        }
        current.write(b);
      }
    }

    void finish() {
      if (current.size() > 0) {
        emit();
      }
    }

    private void emit() {
      String line = current.toString(StandardCharsets.UTF_8);
      current.reset();
      lines.accept(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
    }
  }
}
