package dev.thingbridge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mosquitto is found on the PATH first, then in the usual sbin directories; without it, one clear line. */
class MosquittoLocateTest {
  @TempDir Path dir;

  @Test
  void the_path_comes_before_the_fallbacks_and_only_executables_count() throws Exception {
    Path onPath = executable(dir.resolve("bin"));
    Path notExecutable = Files.createDirectories(dir.resolve("plain")).resolve("mosquitto");
    Files.writeString(notExecutable, "");
    Path sbin = executable(dir.resolve("sbin"));
    String path = dir.resolve("plain") + File.pathSeparator + dir.resolve("empty") + File.pathSeparator + dir.resolve("bin");

    assertThat(Mosquitto.locate(path, List.of(sbin))).contains(onPath);
    assertThat(Mosquitto.locate(dir.resolve("plain").toString(), List.of(sbin))).contains(sbin);
    assertThat(Mosquitto.locate(null, List.of(sbin))).contains(sbin);
    assertThat(Mosquitto.locate("", List.of(dir.resolve("nowhere/mosquitto")))).isEmpty();
  }

  @Test
  void the_message_says_what_to_install_in_one_line() {
    assertThat(Mosquitto.NOT_INSTALLED).contains("apt-get install mosquitto").doesNotContain("\n");
    assertThat(Mosquitto.FALLBACKS).contains(Path.of("/usr/sbin/mosquitto"));
  }

  private static Path executable(Path directory) throws Exception {
    Path p = Files.createDirectories(directory).resolve("mosquitto");
    Files.writeString(p, "#!/bin/sh\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }
}
