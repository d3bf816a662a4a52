package dev.thingbridge.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thingbridge.twin.store.Changes;
import dev.thingbridge.twin.store.TwinStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a state directory of a thingbridge before the database ({@code things.json}, {@code shadows.json},
 * {@code jobs.json}, {@code commands.json}, one per service) into {@code twin.db}, once: every file is read
 * by its service and written as rows in one transaction, together with a marker; then the files are renamed
 * to {@code <name>.json.imported} (kept as a backup, never read again). A kill before the commit leaves the
 * files to import on the next start; a kill after it leaves the marker, and the next start only renames.
 */
final class JsonStateImport {
  private static final Logger log = LoggerFactory.getLogger(JsonStateImport.class);
  static final String MARKER = "json-state-import";
  static final String SUFFIX = ".imported";

  private JsonStateImport() {}

  /**
   * Imports the JSON files found beside the database, unless that was done before.
   *
   * @param operation makes the outbox through which a service writes its rows
   * @throws IllegalStateException naming the file when a state file cannot be read
   */
  static void run(Path dir, TwinStore store, List<TwinService> services, ObjectMapper json,
      Function<TwinService, TwinOperation> operation) {
    List<Path> files = new ArrayList<>();
    for (TwinService s : services) {
      Path f = dir.resolve(s.name() + ".json");
      if (Files.isRegularFile(f)) {
        files.add(f);
      }
    }
    if (store.meta(MARKER).isPresent()) {
      files.forEach(JsonStateImport::setAside);
      return;
    }
    Changes all = new Changes();
    List<String> imported = new ArrayList<>();
    for (TwinService s : services) {
      Path f = dir.resolve(s.name() + ".json");
      if (!files.contains(f)) {
        continue;
      }
      JsonNode state;
      try {
        state = json.readTree(f.toFile());
      } catch (IOException e) {
        throw new IllegalStateException("state file " + f + " is unreadable: " + e.getMessage(), e);
      }
      TwinOperation op = operation.apply(s);
      s.importJson(state, op);
      op.saveSnapshotIfNeeded(true, json);
      all.addAll(op.changes());
      imported.add(f.getFileName().toString());
    }
    TwinStore.saveMeta(all, MARKER, imported.isEmpty() ? "none" : String.join(",", imported));
    store.commit(all);
    files.forEach(JsonStateImport::setAside);
    if (!imported.isEmpty()) {
      log.info("twin: imported {} into {}; the old files are kept as *{}", imported, store, SUFFIX);
    }
  }

  private static void setAside(Path file) {
    try {
      Files.move(file, file.resolveSibling(file.getFileName() + SUFFIX), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("could not rename the imported state file " + file + ": " + e.getMessage(), e);
    }
  }
}
