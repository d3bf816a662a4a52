package dev.thingbridge.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One JSON file per service in the state directory, replaced atomically (temp file, fsync, rename, fsync of
 * the directory) so that a kill at any moment leaves either the old or the new state, never a torn one.
 */
final class TwinStateStore {
  private final Path dir;
  private final ObjectMapper json;

  TwinStateStore(Path dir, ObjectMapper json) {
    this.dir = dir;
    this.json = json;
  }

  Optional<JsonNode> load(String name) {
    Path file = dir.resolve(name + ".json");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(json.readTree(file.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("state file " + file + " is unreadable: " + e.getMessage(), e);
    }
  }

  void save(String name, JsonNode state) {
    try {
      Files.createDirectories(dir);
      Path target = dir.resolve(name + ".json");
      Path temp = dir.resolve(name + ".json.tmp");
      byte[] bytes = json.writeValueAsBytes(state);
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException ignored) {
        // Some file systems cannot fsync a directory; the rename is still atomic there.
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not save twin state " + name + ": " + e.getMessage(), e);
    }
  }
}
