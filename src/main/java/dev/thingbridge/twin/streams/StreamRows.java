package dev.thingbridge.twin.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.twin.http.ApiJson;
import dev.thingbridge.twin.store.Migration;
import dev.thingbridge.twin.store.Row;
import dev.thingbridge.twin.store.StoreSchema;
import dev.thingbridge.twin.store.Table;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The {@code streams} table: one row per stream, its files in the {@code document} column as JSON ({@code
 * fileId}, the local {@code path} the twin reads and the {@code s3} location it came from; a file given as bytes
 * is kept {@code inline}, base64).
 */
final class StreamRows {
  public static final Table STREAMS = Table.of("streams", 1, "stream_id", "version", "created_at", "document");
  public static final StoreSchema SCHEMA = StoreSchema.of("streams", List.of(STREAMS), Migration.sql(
      "CREATE TABLE streams (stream_id TEXT PRIMARY KEY, version INTEGER NOT NULL, created_at INTEGER NOT NULL,"
          + " document TEXT NOT NULL)"));

  private StreamRows() {}

  /** The values of a stream's row, in {@link #STREAMS}'s column order. */
  public static Object[] row(StreamDefinition d) {
    ObjectNode doc = ApiJson.MAPPER.createObjectNode();
    if (d.description() != null) {
      doc.put("description", d.description());
    }
    doc.put("lastUpdatedAt", d.lastUpdatedAt().toEpochMilli());
    ArrayNode files = doc.putArray("files");
    for (StreamFile f : d.files()) {
      ObjectNode o = files.addObject().put("fileId", f.fileId());
      if (f.source().path() != null) {
        o.put("path", f.source().path().toAbsolutePath().toString());
      } else {
        try {
          o.put("inline", Base64.getEncoder().encodeToString(f.source().read(0, (int) f.source().size())));
        } catch (IOException e) {
          throw new IllegalStateException("stream " + d.streamId() + ": file " + f.fileId() + " is unreadable", e);
        }
      }
      if (f.location() != null) {
        o.set("s3", f.location().toJson());
      }
    }
    return new Object[] {d.streamId(), (long) d.version(), d.createdAt().toEpochMilli(), doc.toString()};
  }

  /** A stream from its row. */
  public static StreamDefinition read(Row row) {
    String id = row.text("stream_id");
    JsonNode doc;
    try {
      doc = ApiJson.MAPPER.readTree(row.text("document"));
    } catch (IOException e) {
      throw new IllegalStateException("streams: the row of " + id + " is unreadable: " + e.getMessage(), e);
    }
    List<StreamFile> files = new ArrayList<>();
    for (JsonNode f : doc.path("files")) {
      FileSource source = f.has("path") ? FileSource.of(Path.of(f.get("path").asText()))
          : FileSource.of(Base64.getDecoder().decode(f.path("inline").asText("")));
      JsonNode s3 = f.get("s3");
      S3Location loc = s3 == null ? null : new S3Location(s3.path("bucket").asText(), s3.path("key").asText(),
          s3.hasNonNull("version") ? s3.get("version").asText() : null);
      files.add(new StreamFile(f.path("fileId").asInt(), source, loc));
    }
    return new StreamDefinition(id, (int) row.longValue("version"), doc.hasNonNull("description")
        ? doc.get("description").asText() : null, files, Instant.ofEpochMilli(row.longValue("created_at")),
        Instant.ofEpochMilli(doc.path("lastUpdatedAt").asLong(row.longValue("created_at"))));
  }
}
