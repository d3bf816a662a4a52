package dev.thingbridge.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway platform: where files may go, atomic installation, backups, commit and roll-back. */
class GatewayPlatformTest {
  @TempDir Path state;

  private GatewayPlatform platform() {
    return GatewayPlatform.builder(state).build();
  }

  private static OtaFile file(String path) {
    return new OtaFile(0, path, 3, 0, null, null, null, null, 0, null, null);
  }

  private VerifiedFile verified(String path, String content) throws Exception {
    Path f = Files.createTempFile(state, "dl", ".part");
    Files.writeString(f, content);
    return new VerifiedFile(file(path), f, new byte[32]);
  }

  private void refused(GatewayPlatform p, String path, String why) {
    assertThatThrownBy(() -> p.checkFile(file(path))).as(path).isInstanceOf(OtaPlatformException.class)
        .hasMessageContaining(why)
        .satisfies(e -> assertThat(((OtaPlatformException) e).code()).isEqualTo(OtaErrorCode.INVALID_FILE_PATH));
  }

  @Test
  void paths_resolve_inside_the_install_directory() throws Exception {
    GatewayPlatform p = platform();
    assertThat(p.destinationOf("fw.bin")).isEqualTo(state.resolve("files/fw.bin").toAbsolutePath().normalize());
    assertThat(p.destinationOf("a/b/c.bin")).isEqualTo(state.resolve("files/a/b/c.bin").toAbsolutePath().normalize());
    assertThat(p.destinationOf(state.resolve("files/abs.bin").toAbsolutePath().toString()))
        .isEqualTo(state.resolve("files/abs.bin").toAbsolutePath().normalize());
  }

  @Test
  void escapes_links_devices_and_odd_names_are_refused() throws Exception {
    GatewayPlatform p = platform();
    refused(p, "../outside", "'..'");
    refused(p, "a/../../outside", "'..'");
    refused(p, "a/../b", "'..'");
    refused(p, "/etc/passwd", "inside the install directory");
    refused(p, "/dev/sda", "inside the install directory");
    refused(p, "", "empty");
    refused(p, "a\u0000b", "control characters");
    refused(p, "x/NUL", "device name");
    refused(p, "com1.txt", "device name");
    Files.createDirectories(state.resolve("files"));
    Path outside = Files.createDirectories(state.resolve("elsewhere"));
    Files.createSymbolicLink(state.resolve("files/link"), outside);
    refused(p, "link/evil.bin", "link");
    Files.createSymbolicLink(state.resolve("files/target.bin"), outside.resolve("x"));
    refused(p, "target.bin", "not a regular file");
    Files.createDirectories(state.resolve("files/dir.bin"));
    refused(p, "dir.bin", "not a regular file");
  }

  @Test
  void a_plain_install_replaces_the_file_atomically_and_keeps_no_backup() throws Exception {
    GatewayPlatform p = platform();
    Files.createDirectories(state.resolve("files"));
    Files.writeString(state.resolve("files/app.cfg"), "old");
    p.install(List.of(verified("app.cfg", "new")), false);
    assertThat(Files.readString(state.resolve("files/app.cfg"))).isEqualTo("new");
    assertThat(p.imageState()).isEqualTo(PlatformImageState.VALID);
    assertThat(Files.list(state.resolve("files"))).hasSize(1);
    assertThat(state.resolve("ota/platform/backup")).satisfiesAnyOf(
        d -> assertThat(d).doesNotExist(), d -> assertThat(Files.list(d)).isEmpty());
  }

  @Test
  void firmware_is_pending_until_committed_and_a_rejection_puts_the_old_files_back() throws Exception {
    GatewayPlatform p = platform();
    Files.createDirectories(state.resolve("files"));
    Files.writeString(state.resolve("files/fw.bin"), "v1");
    p.install(List.of(verified("fw.bin", "v2"), verified("new/extra.bin", "x")), true);
    assertThat(p.activate(List.of())).isEqualTo(OtaPlatform.Activation.ACTIVE);
    assertThat(GatewayPlatform.builder(state).build().imageState()).isEqualTo(PlatformImageState.PENDING_COMMIT);
    assertThat(Files.readString(state.resolve("files/fw.bin"))).isEqualTo("v2");
    p.setImageState(ImageState.rejected(OtaErrorCode.SELF_TEST_FAILED));
    assertThat(Files.readString(state.resolve("files/fw.bin"))).isEqualTo("v1");
    assertThat(state.resolve("files/new/extra.bin")).doesNotExist();
    assertThat(p.imageState()).isEqualTo(PlatformImageState.INVALID);
  }

  @Test
  void a_commit_keeps_the_new_files_and_a_reset_before_it_restarts_into_the_old_ones() throws Exception {
    int[] restarts = {0};
    GatewayPlatform p = GatewayPlatform.builder(state).restartAction(() -> restarts[0]++).build();
    Files.createDirectories(state.resolve("files"));
    Files.writeString(state.resolve("files/fw.bin"), "v1");
    p.install(List.of(verified("fw.bin", "v2")), true);
    assertThat(p.activate(List.of())).isEqualTo(OtaPlatform.Activation.RESTARTING);
    p.setImageState(ImageState.ACCEPTED);
    assertThat(Files.readString(state.resolve("files/fw.bin"))).isEqualTo("v2");
    assertThat(p.imageState()).isEqualTo(PlatformImageState.VALID);

    p.install(List.of(verified("fw.bin", "v3")), true);
    p.activate(List.of());
    p.reset();
    assertThat(Files.readString(state.resolve("files/fw.bin"))).isEqualTo("v2");
    assertThat(restarts[0]).isEqualTo(3);
  }
}
