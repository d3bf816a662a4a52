package dev.thingbridge.twin.ota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.twin.http.ApiJson;
import dev.thingbridge.twin.store.Migration;
import dev.thingbridge.twin.store.Row;
import dev.thingbridge.twin.store.StoreSchema;
import dev.thingbridge.twin.store.Table;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The OTA service's tables: {@code ota_updates} (one row per update, the rest of it as JSON in {@code
 * document}), {@code ota_files} (what the file server serves for HTTP delivery: key, update, local path) and
 * {@code ota_settings} (the URL signing key, so that URLs handed out stay good across a restart).
 */
final class OtaRows {
  public static final Table UPDATES = Table.of("ota_updates", 1, "ota_update_id", "status", "created_at", "document");
  public static final Table FILES = Table.of("ota_files", 1, "file_key", "ota_update_id", "path");
  public static final Table SETTINGS = Table.of("ota_settings", 1, "name", "value");
  public static final String SIGNING_KEY = "url_signing_key";
  public static final StoreSchema SCHEMA = StoreSchema.of("ota", List.of(UPDATES, FILES, SETTINGS), Migration.sql(
      "CREATE TABLE ota_updates (ota_update_id TEXT PRIMARY KEY, status TEXT NOT NULL, created_at INTEGER NOT NULL,"
          + " document TEXT NOT NULL)",
      "CREATE TABLE ota_files (file_key TEXT PRIMARY KEY, ota_update_id TEXT NOT NULL, path TEXT NOT NULL)",
      "CREATE INDEX ota_files_by_update ON ota_files (ota_update_id)",
      "CREATE TABLE ota_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)"));

  private OtaRows() {}

  /** The values of an update's row. */
  public static Object[] row(OtaUpdate u) {
    ObjectNode d = ApiJson.MAPPER.createObjectNode();
    d.put("arn", u.otaUpdateArn());
    d.put("description", u.description());
    strings(d.putArray("targets"), u.targets());
    strings(d.putArray("protocols"), u.protocols());
    d.put("targetSelection", u.targetSelection());
    d.set("files", u.files());
    d.put("jobId", u.jobId());
    d.put("jobArn", u.jobArn());
    d.put("streamId", u.streamId());
    d.put("urlExpirySeconds", u.presignedUrlExpirySeconds());
    strings(d.putArray("fileKeys"), u.fileKeys());
    d.put("lastModifiedAt", u.lastModifiedAt().toEpochMilli());
    return new Object[] {u.otaUpdateId(), u.status(), u.createdAt().toEpochMilli(), d.toString()};
  }

  /** An update from its row. */
  public static OtaUpdate read(Row row) {
    String id = row.text("ota_update_id");
    JsonNode d;
    try {
      d = ApiJson.MAPPER.readTree(row.text("document"));
    } catch (IOException e) {
      throw new IllegalStateException("ota: the row of " + id + " is unreadable: " + e.getMessage(), e);
    }
    return new OtaUpdate(id, d.path("arn").asText(), text(d, "description"), list(d.path("targets")),
        list(d.path("protocols")), d.path("targetSelection").asText("SNAPSHOT"), d.get("files"), row.text("status"),
        d.path("jobId").asText(), d.path("jobArn").asText(), text(d, "streamId"), d.path("urlExpirySeconds").asLong(),
        list(d.path("fileKeys")), Instant.ofEpochMilli(row.longValue("created_at")),
        Instant.ofEpochMilli(d.path("lastModifiedAt").asLong(row.longValue("created_at"))));
  }

  private static void strings(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }

  private static List<String> list(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String text(JsonNode d, String field) {
    return d.hasNonNull(field) ? d.get(field).asText() : null;
  }
}
