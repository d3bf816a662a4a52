package dev.thingbridge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The credential files' writer: a reader never sees a torn file, and a private file is never readable by others. */
class AtomicFilesTest {
  private static final int SIZE = 256 * 1024;

  @TempDir Path dir;

  @Test
  void a_reader_never_sees_a_torn_or_empty_file() throws Exception {
    Path target = dir.resolve("certificate.pem.crt");
    byte[] a = filled('a');
    byte[] b = filled('b');
    AtomicFiles.write(target, a);
    AtomicBoolean writing = new AtomicBoolean(true);
    List<String> torn = new ArrayList<>();
    int[] reads = {0};
    Thread reader = new Thread(() -> {
      while (writing.get()) {
        try {
          byte[] seen = Files.readAllBytes(target);
          reads[0]++;
          if (!Arrays.equals(seen, a) && !Arrays.equals(seen, b)) {
            torn.add(seen.length + " bytes");
          }
        } catch (NoSuchFileException e) {
          torn.add("missing");
        } catch (java.io.IOException e) {
          torn.add(e.toString());
        }
      }
    }, "atomic-files-reader");
    reader.start();
    for (int i = 0; i < 20; i++) {
      AtomicFiles.write(target, i % 2 == 0 ? b : a);
    }
    writing.set(false);
    reader.join(5_000);
    assertThat(reads[0]).isPositive();
    assertThat(torn).isEmpty();
    assertThat(Files.readAllBytes(target)).isEqualTo(a);
  }

  @Test
  void a_private_file_is_owner_only_even_over_a_readable_temp_file_left_by_a_crash() throws Exception {
    Path key = dir.resolve("private.pem.key");
    Path leftOver = Files.writeString(dir.resolve("private.pem.key.tmp"), "half a key from before the crash");
    Files.setPosixFilePermissions(leftOver, PosixFilePermissions.fromString("rw-r--r--"));
    AtomicFiles.write(key, "KEY".getBytes(), EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    assertThat(Files.readString(key)).isEqualTo("KEY");
    assertThat(leftOver).doesNotExist();
  }

  private static byte[] filled(char c) {
    byte[] bytes = new byte[SIZE];
    Arrays.fill(bytes, (byte) c);
    return bytes;
  }
}
