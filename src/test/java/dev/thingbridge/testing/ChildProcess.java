package dev.thingbridge.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process (the packaged jar, or a shell running it) whose merged output is collected line by
 * line, so that tests can wait for a line with a timeout. {@link #close()} kills whatever is left.
 */
public final class ChildProcess implements AutoCloseable {
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Object changed = new Object();
  private final Thread reader;

  private ChildProcess(Process process) {
    this.process = process;
    this.reader = new Thread(this::readOutput, "it-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code command} with stderr merged into stdout. */
  public static ChildProcess start(ProcessBuilder command) {
    try {
      return new ChildProcess(command.redirectErrorStream(true).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code java -jar <jar> args...} with the same java that runs the tests. */
  public static ProcessBuilder javaJar(String jar, String... args) {
    List<String> command = new java.util.ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-jar");
    command.add(jar);
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  /** Set under {@code changed} once the reader saw the end of the output. */
  private boolean outputEnded;

  public Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }

  /** Waits for a line matching {@code wanted}; fails with the output so far if none comes in time. */
  public String awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (changed) {
      while (true) {
        for (String line : lines) {
          if (wanted.test(line)) {
            return line;
          }
        }
        long left = deadline - System.nanoTime();
        if (outputEnded) {
          // No line can come any more: fail now, not at the timeout (a twin that refused its flags).
          throw new AssertionError("no such line: the process closed its output; output:\n" + output());
        }
        if (left <= 0) {
          throw new AssertionError("no such line within " + timeout + "; output:\n" + output());
        }
        TimeUnit.NANOSECONDS.timedWait(changed, left);
      }
    }
  }

  /** Waits for the process to exit and for its output to be read; returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + timeout + "; output:\n" + output());
    }
    reader.join(timeout.toMillis());
    return process.exitValue();
  }

  /** Sends a signal by name ({@code INT}, {@code TERM}) to {@code pid} with kill(1). */
  public static void signal(long pid, String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + signal + " " + pid + " failed");
    }
  }

  public String output() {
    return String.join("\n", lines);
  }

  private void readOutput() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        lines.add(line);
        synchronized (changed) {
          changed.notifyAll();
        }
      }
    } catch (IOException e) {
      lines.add("<output read failed: " + e + ">");
    } finally {
      synchronized (changed) {
        outputEnded = true;
        changed.notifyAll();
      }
    }
  }

  /** Kills the process and everything it started, and waits for the output reader to finish. */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
      reader.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
