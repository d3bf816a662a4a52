package dev.thingbridge.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.internal.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
      AtomicFiles.write(dir.resolve(name + ".json"), json.writeValueAsBytes(state));
    } catch (IOException e) {
      throw new UncheckedIOException("could not save twin state " + name + ": " + e.getMessage(), e);
    }
  }
}
