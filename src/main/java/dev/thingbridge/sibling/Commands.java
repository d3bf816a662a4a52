package dev.thingbridge.sibling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * Commands: a sibling claims a command by name on a thing; each execution of it runs once in a {@link
 * CommandWorker}, and its result goes back with {@code commands/finish}.
 */
public final class Commands {
  private static final System.Logger LOG = System.getLogger(Commands.class.getName());
  private static final int REMEMBERED = 512;

  private final ThingBridgeClient client;
  private final Map<String, CommandWorker> workers = new ConcurrentHashMap<>();
  private final Set<String> seen = new LinkedHashSet<>();

  Commands(ThingBridgeClient client) {
    this.client = client;
  }

  /**
   * Claims command {@code name} on {@code thing} (null: the gateway's). Fails with CONFLICT when another
   * component holds it.
   */
  public CompletableFuture<Registration> claim(String thing, String name, CommandWorker worker) {
    workers.put(name, ThingBridgeClient.require(worker, "worker"));
    return client.renewals().take("commands", "claim", "release", ThingBridgeClient.body(thing).put("name", name),
        answer -> {
          for (JsonNode e : answer.path("executions")) {
            onExecution((ObjectNode) e);
          }
        });
  }

  void onExecution(ObjectNode event) {
    CommandWorker worker = workers.get(event.path("name").asText());
    String key = event.path("thing").asText() + "/" + event.path("executionId").asText();
    synchronized (seen) {
      if (worker == null || !seen.add(key)) {
        return;
      }
      if (seen.size() > REMEMBERED) {
        seen.remove(seen.iterator().next());
      }
    }
    SiblingCommand command = new SiblingCommand(event);
    try {
      client.workers().execute(() -> {
        CommandResult result;
        try {
          result = worker.run(command);
        } catch (Exception e) {
          result = CommandResult.failed("HANDLER_ERROR", String.valueOf(e.getMessage()));
        }
        finish(command, result);
      });
    } catch (RejectedExecutionException closing) {
      // the client is closing
    }
  }

  private void finish(SiblingCommand command, CommandResult result) {
    ObjectNode b = ThingBridgeClient.body(command.thing()).put("executionId", command.executionId())
        .put("status", result.status());
    if (result.reasonCode() != null) {
      b.put("reasonCode", result.reasonCode());
    }
    if (result.reasonDescription() != null) {
      b.put("reasonDescription", result.reasonDescription());
    }
    if (!result.result().isEmpty()) {
      ObjectNode r = b.putObject("result");
      result.result().forEach((k, v) -> {
        if (v instanceof String s) {
          r.putObject(k).put("s", s);
        } else if (v instanceof Boolean bool) {
          r.putObject(k).put("b", bool);
        } else {
          r.putObject(k).put("bin", Base64.getEncoder().encodeToString((byte[]) v));
        }
      });
    }
    client.call("commands", "finish", b).whenComplete((v, e) -> {
      if (e != null) {
        LOG.log(System.Logger.Level.WARNING, "thingbridge sibling: command " + command.executionId()
            + " not finished: " + e.getMessage());
      }
    });
  }
}
