package dev.thingbridge.testing;

import static org.awaitility.Awaitility.await;

import dev.thingbridge.mqtt.MqttEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Mosquitto broker for tests (found on the PATH, else in {@code /usr/sbin} where Debian puts it): its own
 * process on a free loopback port, plain TCP or TLS with required client certificates, configured by a file this class writes.
 *
 * <p>Persistence goes to the test's directory, so {@link #restart(boolean)} can keep sessions (Mosquitto
 * writes them on SIGTERM and reloads them) or drop them (the file is deleted before the start). Note
 * Mosquitto 2.0 saves only sessions whose current connection resumed (clean start 0). {@link #stop()} and
 * {@link #start(boolean)} simulate an outage; the port stays the same. {@link #close()} always ends the
 * process, forcibly if it has to.
 */
public final class Mosquitto implements AutoCloseable {
  /** Where Mosquitto is looked for after the PATH (Debian and Homebrew keep it outside a user's PATH). */
  static final List<Path> FALLBACKS = List.of(Path.of("/usr/sbin/mosquitto"), Path.of("/usr/local/sbin/mosquitto"),
      Path.of("/opt/homebrew/sbin/mosquitto"));
  static final String NOT_INSTALLED = "Mosquitto is not installed (not on the PATH, not in /usr/sbin): the tests "
      + "start it as their MQTT broker. Install it (Debian/Ubuntu: apt-get install mosquitto) or run .ci/run, which does.";
  /** The binary, looked up once per JVM; empty if there is none. */
  private static final Optional<Path> BINARY = locate(System.getenv("PATH"), FALLBACKS);
  /** Set once the missing binary was reported: later brokers are skipped, not failed again. */
  private static final AtomicBoolean REPORTED = new AtomicBoolean();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final Path dir;
  private final int port;
  private final TestPki pki;
  private final Path config;
  private final Path persistenceFile;
  private final Path logFile;
  private final Thread killOnExit;
  private Process process;

  private final TestPki.ClientCredentials serverCertificate;

  private Mosquitto(Path dir, TestPki pki, TestPki.ClientCredentials serverCertificate, List<String> extraConfig)
      throws IOException {
    this.dir = Files.createDirectories(dir);
    this.pki = pki;
    this.serverCertificate = serverCertificate;
    this.port = freePort();
    this.config = dir.resolve("mosquitto.conf");
    this.persistenceFile = dir.resolve("mosquitto.db");
    this.logFile = dir.resolve("mosquitto.log");
    Files.writeString(config, configText(extraConfig), StandardCharsets.UTF_8);
    this.killOnExit = new Thread(this::kill, "thingbridge-test-mosquitto-kill");
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /** A started broker on plain TCP, without authentication. */
  public static Mosquitto plain(Path dir) throws IOException {
    return builder(dir).start();
  }

  /** A started broker on TLS that requires a client certificate signed by {@code pki}'s CA. */
  public static Mosquitto tls(Path dir, TestPki pki) throws IOException {
    return builder(dir).tls(pki).start();
  }

  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  /** The loopback port the broker listens on (the same across restarts). */
  public int port() {
    return port;
  }

  /** {@code mqtts://127.0.0.1:port} with TLS, else {@code mqtt://127.0.0.1:port}. */
  public MqttEndpoint endpoint() {
    return new MqttEndpoint("127.0.0.1", port, pki != null);
  }

  /** The PKI whose CA the TLS listener trusts, or null for a plain broker. */
  public TestPki pki() {
    return pki;
  }

  /** Whether the broker process is running. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Starts the broker (after {@link #stop()}) and waits until it accepts TCP connections.
   *
   * @param keepSessions false deletes the persistence file first, so every client's session is gone
   */
  public synchronized void start(boolean keepSessions) throws IOException {
    if (isRunning()) {
      throw new IllegalStateException("mosquitto is already running on port " + port);
    }
    if (!keepSessions) {
      Files.deleteIfExists(persistenceFile);
    }
    long logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
    process = new ProcessBuilder(binary().toString(), "-c", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.out").toFile()))
        .start();
    awaitListening(logOffset);
  }

  /** Stops the broker with SIGTERM, so it writes its persistence file, and waits for the process to end. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** {@link #stop()} then {@link #start(boolean)}. */
  public synchronized void restart(boolean keepSessions) throws IOException {
    stop();
    start(keepSessions);
  }

  /** The broker's log so far (connections, refusals, TLS errors): handy in assertion messages. */
  public String log() {
    try {
      return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or about to run; it kills whatever is left.
    }
  }

  private synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  /**
   * Waits for the "running" log line: Mosquitto writes it once its listener is open and the TLS files are
   * loaded (a TCP probe alone would pass before a bad key file makes it exit).
   */
  private void awaitListening(long logOffset) throws IOException {
    try {
      // polling a log file; there is nothing to block on instead
      await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(5))
          .until(() -> !process.isAlive() || logSince(logOffset).contains(" running"));
    } catch (ConditionTimeoutException e) {
      stop();
      throw new IOException("mosquitto did not start on port " + port + " within " + START_TIMEOUT
          + "; log:\n" + tail());
    }
    if (!process.isAlive()) {
      throw new IOException("mosquitto exited with " + process.exitValue() + " on start; log:\n" + tail());
    }
  }

  private String logSince(long offset) throws IOException {
    if (!Files.exists(logFile)) {
      return "";
    }
    byte[] all = Files.readAllBytes(logFile);
    return offset >= all.length ? "" : new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
  }

  private String tail() throws IOException {
    StringBuilder s = new StringBuilder(log());
    Path out = dir.resolve("mosquitto.out");
    if (Files.exists(out)) {
      s.append(Files.readString(out, StandardCharsets.UTF_8));
    }
    return s.length() > 4000 ? s.substring(s.length() - 4000) : s.toString();
  }

  private String configText(List<String> extra) {
    List<String> lines = new ArrayList<>();
    lines.add("# written by dev.thingbridge.testing.Mosquitto");
    lines.add("user root"); // mosquitto refuses to run as root otherwise; ignored when not root
    lines.add("per_listener_settings false");
    lines.add("allow_anonymous true");
    lines.add("set_tcp_nodelay true");
    lines.add("persistence true");
    lines.add("persistence_location " + dir.toAbsolutePath() + "/");
    lines.add("persistence_file mosquitto.db");
    lines.add("autosave_interval 0");
    lines.add("max_queued_messages 0");
    lines.add("max_inflight_messages 0");
    lines.add("log_dest file " + logFile.toAbsolutePath());
    lines.add("log_type error");
    lines.add("log_type warning");
    lines.add("log_type notice");
    lines.add("log_type information");
    lines.add("connection_messages true");
    lines.add("log_timestamp_format %H:%M:%S");
    lines.add("listener " + port + " 127.0.0.1");
    if (pki != null) {
      lines.add("cafile " + pki.caFile().toAbsolutePath());
      lines.add("certfile " + (serverCertificate != null ? serverCertificate.certificate()
          : pki.serverCertificateFile()).toAbsolutePath());
      lines.add("keyfile " + (serverCertificate != null ? serverCertificate.privateKey()
          : pki.serverKeyFile()).toAbsolutePath());
      lines.add("require_certificate true");
      lines.add("use_identity_as_username true");
    }
    lines.addAll(extra);
    return String.join("\n", lines) + "\n";
  }

  /**
   * The first executable {@code mosquitto} in the directories of {@code pathVariable}, else the first
   * executable fallback.
   */
  static Optional<Path> locate(String pathVariable, List<Path> fallbacks) {
    List<Path> candidates = new ArrayList<>();
    if (pathVariable != null) {
      for (String d : pathVariable.split(java.io.File.pathSeparator)) {
        if (!d.isEmpty()) {
          candidates.add(Path.of(d, "mosquitto"));
        }
      }
    }
    candidates.addAll(fallbacks);
    return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
  }

  /**
   * The binary. Without one, the first broker of the run fails with one line saying what to install, and every
   * later one is skipped (an aborted test), so a run without Mosquitto reports it once instead of per test.
   */
  private static Path binary() throws IOException {
    if (BINARY.isPresent()) {
      return BINARY.get();
    }
    if (REPORTED.compareAndSet(false, true)) {
      throw new IOException(NOT_INSTALLED);
    }
    Assumptions.abort("Mosquitto is not installed (reported by the first test that needed it)");
    throw new IllegalStateException("unreachable");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  /** Configures a broker before its first start. */
  public static final class Builder {
    private final Path dir;
    private TestPki pki;
    private TestPki.ClientCredentials serverCertificate;
    private final List<String> extra = new ArrayList<>();

    private Builder(Path dir) {
      this.dir = dir;
    }

    /** A TLS listener using {@code pki}'s server certificate, requiring client certificates of its CA. */
    public Builder tls(TestPki value) {
      this.pki = value;
      return this;
    }

    /** With {@link #tls}: show this certificate (of the same PKI) instead of the one for 127.0.0.1. */
    public Builder serverCertificate(TestPki.ClientCredentials value) {
      this.serverCertificate = value;
      return this;
    }

    /** An extra line for mosquitto.conf (global options; they apply to the one listener). */
    public Builder config(String line) {
      extra.add(line);
      return this;
    }

    /** Writes the configuration, starts the broker and waits until it listens. */
    public Mosquitto start() throws IOException {
      Mosquitto m = new Mosquitto(dir, pki, serverCertificate, extra);
      try {
        m.start(true);
      } catch (IOException | RuntimeException e) {
        m.close();
        throw e;
      }
      return m;
    }
  }
}
