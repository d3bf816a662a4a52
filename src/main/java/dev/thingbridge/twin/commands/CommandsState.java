package dev.thingbridge.twin.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.twin.store.Migration;
import dev.thingbridge.twin.store.StoreSchema;
import dev.thingbridge.twin.store.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The service's persistent form: tables {@code commands} (one row per command) and {@code command_executions}
 * (one row per execution, with its client token; indexed by client token, time to live and target), each row's
 * {@code document} holding the record as JSON with millisecond timestamps; and the state file of older versions
 * ({@code commands.json}). Reading checks every field and fails with a message naming the bad entry.
 */
final class CommandsState {
  private static final int VERSION = 1;
  public static final Table COMMANDS = Table.of("commands", 1, "command_id", "created_at", "document");
  public static final Table EXECUTIONS = Table.of("command_executions", 1, "execution_id", "target_arn",
      "command_arn", "status", "created_at", "time_to_live", "client_token", "document");
  public static final StoreSchema SCHEMA = StoreSchema.of("commands", List.of(COMMANDS, EXECUTIONS), Migration.sql(
      "CREATE TABLE commands (command_id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, document TEXT NOT NULL)",
      "CREATE TABLE command_executions (execution_id TEXT PRIMARY KEY, target_arn TEXT NOT NULL,"
          + " command_arn TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL,"
          + " time_to_live INTEGER NOT NULL, client_token TEXT, document TEXT NOT NULL)",
      "CREATE UNIQUE INDEX command_executions_client_token ON command_executions (client_token)"
          + " WHERE client_token IS NOT NULL",
      "CREATE INDEX command_executions_time_to_live ON command_executions (time_to_live)",
      "CREATE INDEX command_executions_target ON command_executions (target_arn, created_at)"));
  private final CommandsJson json;

  public CommandsState(CommandsJson json) {
    this.json = json;
  }

  /** What {@link #read} found. */
  public record Restored(List<Command> commands, List<CommandExecution> executions, Map<String, String> clientTokens) {}

  public JsonNode write(Collection<Command> commands, Collection<CommandExecution> executions,
      Map<String, String> clientTokens) {
    ObjectNode root = json.mapper().createObjectNode();
    root.put("version", VERSION);
    ArrayNode cs = root.putArray("commands");
    for (Command c : commands) {
      cs.add(commandJson(c));
    }
    ArrayNode es = root.putArray("executions");
    for (CommandExecution e : executions) {
      es.add(executionJson(e));
    }
    ObjectNode tokens = root.putObject("clientTokens");
    clientTokens.forEach(tokens::put);
    return root;
  }

  /** A command's persistent JSON. */
  public ObjectNode commandJson(Command c) {
    ObjectNode n = json.command(c);
    n.put("createdAtMs", c.createdAt().toEpochMilli());
    n.put("lastUpdatedAtMs", c.lastUpdatedAt().toEpochMilli());
    return n;
  }

  /** An execution's persistent JSON. */
  public ObjectNode executionJson(CommandExecution e) {
    ObjectNode n = json.mapper().createObjectNode();
    n.put("executionId", e.executionId());
    n.put("commandId", e.commandId());
    n.put("commandArn", e.commandArn());
    n.put("targetArn", e.targetArn());
    n.put("status", e.status().name());
    if (e.statusReason() != null) {
      n.set("statusReason", json.reason(e.statusReason()));
    }
    ObjectNode result = n.putObject("result");
    e.result().forEach((k, v) -> result.set(k, json.apiResult(v)));
    ObjectNode params = n.putObject("parameters");
    e.parameters().forEach((k, v) -> params.set(k, json.parameterValue(v)));
    n.put("executionTimeoutSeconds", e.executionTimeoutSeconds());
    n.put("createdAtMs", e.createdAt().toEpochMilli());
    n.put("lastUpdatedAtMs", e.lastUpdatedAt().toEpochMilli());
    putMillis(n, "startedAtMs", e.startedAt());
    putMillis(n, "completedAtMs", e.completedAt());
    n.put("timeToLiveMs", e.timeToLive().toEpochMilli());
    if (e.clientToken() != null) {
      n.put("clientToken", e.clientToken());
    }
    return n;
  }

  /**
   * Reads a state file.
   *
   * @throws IllegalStateException naming the entry that is unreadable
   */
  public Restored read(JsonNode root) {
    if (root == null || !root.isObject() || root.path("version").asInt(-1) != VERSION) {
      throw new IllegalStateException("commands state: unknown format (expected version " + VERSION + ")");
    }
    List<Command> commands = new ArrayList<>();
    for (JsonNode n : root.path("commands")) {
      try {
        commands.add(readCommand(n));
      } catch (RuntimeException e) {
        throw new IllegalStateException("commands state: command " + n.path("commandId") + " is unreadable: "
            + e.getMessage(), e);
      }
    }
    List<CommandExecution> executions = new ArrayList<>();
    for (JsonNode n : root.path("executions")) {
      try {
        executions.add(readExecution(n));
      } catch (RuntimeException e) {
        throw new IllegalStateException("commands state: execution " + n.path("executionId")
            + " is unreadable: " + e.getMessage(), e);
      }
    }
    Map<String, String> tokens = new LinkedHashMap<>();
    root.path("clientTokens").properties().forEach(e -> tokens.put(e.getKey(), e.getValue().asText()));
    return new Restored(commands, executions, tokens);
  }

  /**
   * A command from its persistent JSON.
   *
   * @throws IllegalArgumentException naming a missing or bad field
   */
  public Command readCommand(JsonNode n) {
    CommandSpec.Builder b = CommandSpec.builder(required(n, "commandId"))
        .namespace(required(n, "namespace"))
        .displayName(CommandsJson.text(n, "displayName"))
        .description(CommandsJson.text(n, "description"))
        .roleArn(CommandsJson.text(n, "roleArn"))
        .payload(CommandsJson.decodeBase64("payload.content", required(n.path("payload"), "content")),
            CommandsJson.text(n.path("payload"), "contentType"));
    List<CommandParameter> params = new ArrayList<>();
    for (JsonNode p : n.path("mandatoryParameters")) {
      params.add(json.readParameter(p));
    }
    b.mandatoryParameters(params);
    return new Command(b.build(), required(n, "commandArn"), millis(n, "createdAtMs"),
        millis(n, "lastUpdatedAtMs"));
  }

  /**
   * An execution from its persistent JSON.
   *
   * @throws IllegalArgumentException naming a missing or bad field
   */
  public CommandExecution readExecution(JsonNode n) {
    String targetArn = required(n, "targetArn");
    DeviceTarget target = DeviceTarget.parseArn(targetArn)
        .orElseThrow(() -> new IllegalArgumentException("bad targetArn " + targetArn)).target();
    CommandExecutionStatus status = CommandExecutionStatus.fromName(required(n, "status"));
    if (status == null) {
      throw new IllegalArgumentException("unknown status " + n.path("status"));
    }
    StatusReason reason = null;
    if (n.hasNonNull("statusReason")) {
      reason = new StatusReason(required(n.get("statusReason"), "reasonCode"),
          CommandsJson.text(n.get("statusReason"), "reasonDescription"));
    }
    Map<String, ResultValue> result = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.path("result").properties()) {
      JsonNode v = e.getValue();
      if (v.has("S")) {
        result.put(e.getKey(), ResultValue.ofString(v.get("S").asText()));
      } else if (v.has("B")) {
        result.put(e.getKey(), ResultValue.ofBoolean(v.get("B").asBoolean()));
      } else {
        result.put(e.getKey(), ResultValue.ofBinary(CommandsJson.decodeBase64("BIN", v.path("BIN").asText())));
      }
    }
    Map<String, ParameterValue> parameters = json.readParameters(n.get("parameters"));
    return new CommandExecution(required(n, "executionId"), required(n, "commandId"), required(n, "commandArn"),
        target, targetArn, status, reason, result, parameters, n.path("executionTimeoutSeconds").asLong(10),
        millis(n, "createdAtMs"), millis(n, "lastUpdatedAtMs"), optionalMillis(n, "startedAtMs"),
        optionalMillis(n, "completedAtMs"), millis(n, "timeToLiveMs"), CommandsJson.text(n, "clientToken"));
  }

  private static String required(JsonNode n, String field) {
    String v = CommandsJson.text(n, field);
    if (v == null) {
      throw new IllegalArgumentException("missing " + field);
    }
    return v;
  }

  private static Instant millis(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isIntegralNumber()) {
      throw new IllegalArgumentException("missing " + field);
    }
    return Instant.ofEpochMilli(v.longValue());
  }

  private static Instant optionalMillis(JsonNode n, String field) {
    return n.hasNonNull(field) ? millis(n, field) : null;
  }

  private static void putMillis(ObjectNode n, String field, Instant t) {
    if (t != null) {
      n.put(field, t.toEpochMilli());
    }
  }
}
