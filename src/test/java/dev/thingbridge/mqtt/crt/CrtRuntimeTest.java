package dev.thingbridge.mqtt.crt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.crt.CRT;

/** Which C library aws-crt is told to load for, read from a Linux memory map instead of its {@code ldd} probes. */
class CrtRuntimeTest {
  @TempDir Path dir;

  @Test
  void glibcAndMuslAreToldApartByTheLibrariesMapped() throws Exception {
    Path glibc = Files.writeString(dir.resolve("glibc"), String.join("\n",
        "7f3a1c000000-7f3a1c028000 r--p 00000000 08:01 1234 /usr/lib/x86_64-linux-gnu/libc.so.6",
        "7f3a1c200000-7f3a1c202000 r--p 00000000 08:01 1240 /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", ""));
    Path musl = Files.writeString(dir.resolve("musl"), String.join("\n",
        "7f1d2e000000-7f1d2e014000 r--p 00000000 00:2a 88 /lib/ld-musl-x86_64.so.1",
        "7f1d2e100000-7f1d2e200000 r-xp 00000000 00:2a 91 /usr/lib/jvm/java-17-openjdk/lib/server/libjvm.so", ""));
    Path neither = Files.writeString(dir.resolve("neither"), "00400000-00452000 r-xp 00000000 08:02 173521 /bin/x\n");

    assertThat(CrtRuntime.cLibrary(glibc)).contains("glibc");
    assertThat(CrtRuntime.cLibrary(musl)).contains("musl");
    assertThat(CrtRuntime.cLibrary(neither)).isEmpty();
    assertThat(CrtRuntime.cLibrary(dir.resolve("missing"))).isEmpty();
  }

  @Test
  void thisJvmsOwnMapNamesTheLibraryLddWouldHaveFound() throws Exception {
    String set = System.clearProperty(CrtRuntime.LIBC_PROPERTY);
    String byLdd;
    try {
      byLdd = CRT.getCRuntime("linux"); // aws-crt's own probe: ldd on the java binary, then ldd --version
    } finally {
      if (set != null) {
        System.setProperty(CrtRuntime.LIBC_PROPERTY, set);
      }
    }
    assertThat(CrtRuntime.cLibrary(Path.of("/proc/self/maps"))).contains(byLdd);
  }

  @Test
  void loadKeepsTheUsersChoiceAndLoadsTheNativeLibrary() {
    String before = System.getProperty(CrtRuntime.LIBC_PROPERTY);
    CrtRuntime.load();
    String after = System.getProperty(CrtRuntime.LIBC_PROPERTY);
    if (before != null) {
      assertThat(after).isEqualTo(before);
    } else {
      assertThat(after).isIn("glibc", "musl");
    }
    assertThat(CRT.getOSIdentifier()).isEqualTo("linux");
  }
}
