package dev.thingbridge.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * A plain {@code java.net.http.HttpClient} GET of a URL into a file, then an fsync, in a fresh JVM: the baseline
 * that pays what a device process pays on its first download (class loading and the JIT of the client), which a
 * GET in the benchmark's warmed-up process does not. Prints the seconds from building the client to the file
 * being durable, and the CPU seconds it used meanwhile; the JVM's own start is not counted, as the device's is
 * not. It starts when a line arrives on its input.
 *
 * <p>{@code java -cp target/test-classes dev.thingbridge.bench.PlainGet URL FILE}
 */
public final class PlainGet {
  private PlainGet() {}

  public static void main(String[] args) throws Exception {
    System.out.println("ready");
    System.in.read(); // the benchmark says when to start
    long cpu = OtaBench.processCpuNanos();
    long start = System.nanoTime();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<Path> r = client.send(HttpRequest.newBuilder(URI.create(args[0])).GET().build(),
        HttpResponse.BodyHandlers.ofFile(Path.of(args[1])));
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET answered " + r.statusCode());
    }
    try (FileChannel ch = FileChannel.open(Path.of(args[1]), StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    System.out.printf(Locale.ROOT, "%.3f %.3f%n", (System.nanoTime() - start) / 1e9,
        (OtaBench.processCpuNanos() - cpu) / 1e9);
  }
}
