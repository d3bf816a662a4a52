package dev.thingbridge.twin.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.twin.commands.Command;
import dev.thingbridge.twin.commands.CommandExecution;
import dev.thingbridge.twin.commands.ResultValue;
import dev.thingbridge.twin.jobs.Job;
import dev.thingbridge.twin.jobs.JobExecutionDescription;
import dev.thingbridge.twin.ota.OtaUpdate;
import dev.thingbridge.twin.things.Thing;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * The shapes the console's events carry: close to what the AWS APIs return, with timestamps as ISO-8601
 * text and thing ARNs also as names, so the page needs no knowledge of ARNs. Values are data, never markup:
 * the page puts every one of them into the document as text.
 */
final class ConsoleJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private ConsoleJson() {}

  static ObjectNode thing(Thing t) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("thingName", t.thingName());
    n.put("thingArn", t.thingArn());
    n.put("thingTypeName", t.thingTypeName());
    ObjectNode attrs = n.putObject("attributes");
    t.attributes().forEach(attrs::put);
    n.put("version", t.version());
    return n;
  }

  static ObjectNode job(Job j) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("jobId", j.jobId());
    n.put("status", j.status().name());
    n.put("description", j.description());
    n.put("document", j.document());
    n.put("ota", j.jobId().startsWith(OtaUpdate.jobIdOf("")));
    var targets = n.putArray("targets");
    j.targets().forEach(arn -> targets.add(nameOfArn(arn)));
    time(n, "createdAt", j.createdAt());
    time(n, "lastUpdatedAt", j.lastUpdatedAt());
    time(n, "completedAt", j.completedAt());
    n.put("forceCanceled", j.forceCanceled());
    n.put("reasonCode", j.reasonCode());
    n.put("comment", j.comment());
    ObjectNode counts = n.putObject("executionCounts");
    j.executionCounts().forEach((status, count) -> counts.put(status.name(), count));
    return n;
  }

  static ObjectNode execution(JobExecutionDescription e) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("jobId", e.jobId());
    n.put("thingName", e.thingName());
    n.put("status", e.status().name());
    ObjectNode details = n.putObject("statusDetails");
    e.statusDetails().forEach(details::put);
    time(n, "queuedAt", e.queuedAt());
    time(n, "startedAt", e.startedAt());
    time(n, "lastUpdatedAt", e.lastUpdatedAt());
    n.put("versionNumber", e.versionNumber());
    n.put("executionNumber", e.executionNumber());
    if (e.approximateSecondsBeforeTimedOut() != null) {
      n.put("approximateSecondsBeforeTimedOut", e.approximateSecondsBeforeTimedOut());
    }
    return n;
  }

  static ObjectNode command(Command c) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("commandId", c.commandId());
    n.put("namespace", c.spec().namespace());
    n.put("displayName", c.spec().displayName());
    n.put("description", c.spec().description());
    time(n, "createdAt", c.createdAt());
    return n;
  }

  static ObjectNode commandExecution(CommandExecution e) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("executionId", e.executionId());
    n.put("commandId", e.commandId());
    n.put("target", e.target().deviceId());
    n.put("targetType", e.target().type().name());
    n.put("status", e.status().name());
    if (e.statusReason() != null) {
      n.put("reasonCode", e.statusReason().reasonCode());
      n.put("reasonDescription", e.statusReason().reasonDescription());
    }
    ObjectNode result = n.putObject("result");
    for (Map.Entry<String, ResultValue> r : e.result().entrySet()) {
      result.put(r.getKey(), resultText(r.getValue()));
    }
    time(n, "createdAt", e.createdAt());
    time(n, "lastUpdatedAt", e.lastUpdatedAt());
    time(n, "completedAt", e.completedAt());
    return n;
  }

  static ObjectNode ota(OtaUpdate u) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("otaUpdateId", u.otaUpdateId());
    n.put("status", u.status());
    n.put("description", u.description());
    n.put("jobId", u.jobId());
    var targets = n.putArray("targets");
    u.targets().forEach(arn -> targets.add(nameOfArn(arn)));
    var protocols = n.putArray("protocols");
    u.protocols().forEach(protocols::add);
    var files = n.putArray("files");
    JsonNode given = u.files();
    if (given != null && given.isArray()) {
      for (JsonNode f : given) {
        files.add(f.path("fileName").asText(""));
      }
    }
    time(n, "createdAt", u.createdAt());
    return n;
  }

  /** The thing name of a thing ARN ({@code arn:...:thing/NAME}); anything else as it is. */
  static String nameOfArn(String arn) {
    int slash = arn.indexOf(":thing/");
    return slash < 0 ? arn : arn.substring(slash + ":thing/".length());
  }

  private static String resultText(ResultValue v) {
    if (v.s() != null) {
      return v.s();
    }
    if (v.b() != null) {
      return v.b().toString();
    }
    return "base64:" + Base64.getEncoder().encodeToString(v.bin());
  }

  private static void time(ObjectNode n, String field, Instant t) {
    if (t != null) {
      n.put(field, t.toString());
    }
  }
}
