package dev.thingbridge.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The run the {@code thingbridge} launcher script makes once per jar and JVM, under {@code
 * -XX:ArchiveClassesAtExit}, so that later commands map the classes a one-off command needs from a
 * class-data-sharing archive instead of reading and verifying them from the jar. It loads (without
 * initialising: nothing connects, nothing is printed) every class of the packages the commands run through:
 * the CLI and the device-side services, picocli, Jackson and aws-crt. Which command the user runs first does
 * not matter, and the archive does not depend on a broker being there. picocli's own classes stay out of it
 * (the JVM archives no class compiled for Java 5, as picocli is), and so do the few of ours that implement its
 * interfaces (converters, providers).
 */
public final class ClassDataTraining {
  /** Class-name prefixes of what one-off and device-role commands load. */
  static final List<String> PACKAGES = List.of("dev/thingbridge/cli/", "dev/thingbridge/internal/",
      "dev/thingbridge/mqtt/", "dev/thingbridge/shadows/", "dev/thingbridge/jobs/", "dev/thingbridge/commands/",
      "dev/thingbridge/transfer/", "dev/thingbridge/provisioning/", "dev/thingbridge/defender/", "picocli/",
      "com/fasterxml/jackson/core/", "com/fasterxml/jackson/databind/", "com/fasterxml/jackson/annotation/",
      "com/fasterxml/jackson/dataformat/cbor/", "software/amazon/awssdk/crt/", "org/slf4j/");

  private ClassDataTraining() {}

  /** Loads the classes; prints how many (and how many could not be loaded) on standard error. */
  public static void main(String[] args) throws IOException, URISyntaxException {
    Path jar = Path.of(ClassDataTraining.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    int loaded = 0;
    int failed = 0;
    ClassLoader loader = ClassDataTraining.class.getClassLoader();
    try (JarFile file = new JarFile(jar.toFile())) {
      Enumeration<JarEntry> entries = file.entries();
      while (entries.hasMoreElements()) {
        String name = entries.nextElement().getName();
        if (!name.endsWith(".class") || name.endsWith("module-info.class")
            || PACKAGES.stream().noneMatch(name::startsWith)) {
          continue;
        }
        try {
          Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader);
          loaded++;
        } catch (ClassNotFoundException | LinkageError e) {
          failed++; // an optional dependency's class (e.g. an Android-only platform of aws-crt): not archived
        }
      }
    }
    System.err.printf("thingbridge: %d classes loaded for the start-up archive (%d not loadable)%n", loaded, failed);
  }
}
