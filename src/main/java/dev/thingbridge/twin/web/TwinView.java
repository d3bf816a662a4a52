package dev.thingbridge.twin.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.twin.Twin;
import dev.thingbridge.twin.TwinService;
import dev.thingbridge.twin.commands.Command;
import dev.thingbridge.twin.commands.CommandExecution;
import dev.thingbridge.twin.commands.CommandsService;
import dev.thingbridge.twin.http.AwsApiException;
import dev.thingbridge.twin.jobs.JobExecutionDescription;
import dev.thingbridge.twin.jobs.JobExecutionPage;
import dev.thingbridge.twin.jobs.JobsService;
import dev.thingbridge.twin.ota.OtaUpdate;
import dev.thingbridge.twin.ota.OtaService;
import dev.thingbridge.twin.shadows.ShadowServiceException;
import dev.thingbridge.twin.shadows.ShadowsService;
import dev.thingbridge.twin.shadows.ShadowServiceTopics;
import dev.thingbridge.twin.things.Thing;
import dev.thingbridge.twin.things.ThingPage;
import dev.thingbridge.twin.things.ThingsService;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads what the console shows through the services' plain-Java control-plane APIs (each read under the
 * twin's lock, like an API call): one item for a {@link ChangeKey}, or everything for a new page. A twin
 * without one of the services simply shows none of its items.
 */
final class TwinView {
  /** At most this many things (with their shadows and executions) go into a snapshot. */
  static final int MAX_THINGS = 500;
  /** At most this many of the latest command executions go into a snapshot. */
  static final int MAX_COMMAND_EXECUTIONS = 500;
  private static final int PAGE = 250;

  private final ThingsService things;
  private final ShadowsService shadows;
  private final JobsService jobs;
  private final CommandsService commands;
  private final OtaService ota;

  TwinView(Twin twin) {
    this.things = find(twin, ThingsService.class);
    this.shadows = find(twin, ShadowsService.class);
    this.jobs = find(twin, JobsService.class);
    this.commands = find(twin, CommandsService.class);
    this.ota = find(twin, OtaService.class);
  }

  private static <T extends TwinService> T find(Twin twin, Class<T> type) {
    try {
      return twin.service(type);
    } catch (IllegalArgumentException absent) {
      return null;
    }
  }

  /** The event that brings a page up to date on {@code key}: the item as it is now, or null if it is gone. */
  Optional<ConsoleEvent> read(ChangeKey key) {
    ObjectNode data = ConsoleJson.MAPPER.createObjectNode();
    return switch (key.kind()) {
      case THING -> things == null ? Optional.empty() : Optional.of(event("thing", data.put("thingName", key.first())
          .set("thing", orNull(() -> ConsoleJson.thing(things.describeThing(key.first()))))));
      case SHADOW -> shadows == null ? Optional.empty() : Optional.of(event("shadow", data
          .put("thingName", key.first()).put("shadowName", key.second())
          .set("shadow", shadow(key.first(), key.second()))));
      case JOB -> jobs == null ? Optional.empty() : Optional.of(event("job", data.put("jobId", key.first())
          .set("job", orNull(() -> ConsoleJson.job(jobs.describeJob(key.first()))))));
      case EXECUTION -> jobs == null ? Optional.empty() : Optional.of(event("execution", data
          .put("thingName", key.first()).put("jobId", key.second())
          .set("execution", orNull(() -> ConsoleJson.execution(jobs.describeJobExecution(key.first(), key.second(),
              null))))));
      case COMMAND -> commands == null ? Optional.empty() : Optional.of(event("command", data
          .put("commandId", key.first())
          .set("command", orNull(() -> ConsoleJson.command(commands.command(key.first()))))));
      case COMMAND_EXECUTION -> commands == null ? Optional.empty() : Optional.of(event("commandExecution", data
          .put("executionId", key.first())
          .set("execution", commands.executions().stream().filter(e -> e.executionId().equals(key.first()))
              .findFirst().map(ConsoleJson::commandExecution).orElse(null))));
      case OTA -> ota == null ? Optional.empty() : Optional.of(event("ota", data.put("otaUpdateId", key.first())
          .set("ota", ota.catalog().find(key.first()).map(ConsoleJson::ota).orElse(null))));
    };
  }

  /** Everything, for a page that just connected (at most {@link #MAX_THINGS} things). */
  ConsoleEvent snapshot() {
    ObjectNode data = ConsoleJson.MAPPER.createObjectNode();
    ArrayNode thingArray = data.putArray("things");
    ArrayNode shadowArray = data.putArray("shadows");
    ArrayNode executionArray = data.putArray("executions");
    List<Thing> listed = listThings();
    data.put("truncated", listed.size() > MAX_THINGS);
    Set<String> jobIds = new LinkedHashSet<>();
    for (Thing t : listed.subList(0, Math.min(listed.size(), MAX_THINGS))) {
      thingArray.add(ConsoleJson.thing(t));
      addShadows(t.thingName(), shadowArray);
      for (JobExecutionDescription e : executionsOf(t.thingName())) {
        executionArray.add(ConsoleJson.execution(e));
        jobIds.add(e.jobId());
      }
    }
    ArrayNode otaArray = data.putArray("otaUpdates");
    if (ota != null) {
      for (OtaUpdate u : ota.catalog().list()) {
        otaArray.add(ConsoleJson.ota(u));
        jobIds.add(u.jobId());
      }
    }
    ArrayNode jobArray = data.putArray("jobs");
    if (jobs != null) {
      for (String id : jobIds) {
        ObjectNode job = orNull(() -> ConsoleJson.job(jobs.describeJob(id)));
        if (job != null) {
          jobArray.add(job);
        }
      }
    }
    ArrayNode commandArray = data.putArray("commands");
    ArrayNode commandExecutionArray = data.putArray("commandExecutions");
    if (commands != null) {
      for (Command c : commands.commands()) {
        commandArray.add(ConsoleJson.command(c));
      }
      List<CommandExecution> all = commands.executions();
      for (CommandExecution e : all.subList(Math.max(0, all.size() - MAX_COMMAND_EXECUTIONS), all.size())) {
        commandExecutionArray.add(ConsoleJson.commandExecution(e));
      }
    }
    return event("snapshot", data);
  }

  private List<Thing> listThings() {
    List<Thing> all = new ArrayList<>();
    if (things == null) {
      return all;
    }
    String token = null;
    do {
      ThingPage page = things.listThings(null, null, PAGE, token);
      all.addAll(page.things());
      token = page.nextToken();
    } while (token != null && all.size() <= MAX_THINGS);
    return all;
  }

  private void addShadows(String thing, ArrayNode into) {
    if (shadows == null) {
      return;
    }
    List<String> names = new ArrayList<>();
    names.add(ShadowServiceTopics.CLASSIC);
    names.addAll(shadows.listNamedShadows(thing));
    for (String name : names) {
      ObjectNode doc = shadow(thing, name);
      if (doc != null) {
        ObjectNode entry = into.addObject();
        entry.put("thingName", thing).put("shadowName", name).set("shadow", doc);
      }
    }
  }

  private List<JobExecutionDescription> executionsOf(String thing) {
    List<JobExecutionDescription> all = new ArrayList<>();
    if (jobs == null) {
      return all;
    }
    String token = null;
    do {
      JobExecutionPage page = jobs.listJobExecutionsForThing(thing, null, PAGE, token);
      all.addAll(page.executions());
      token = page.nextToken();
    } while (token != null);
    return all;
  }

  private ObjectNode shadow(String thing, String name) {
    try {
      return shadows.get(thing, name);
    } catch (ShadowServiceException e) {
      if (e.code() == 404) {
        return null;
      }
      throw e;
    }
  }

  private static ObjectNode orNull(Supplier<ObjectNode> read) {
    try {
      return read.get();
    } catch (AwsApiException e) {
      if (e.status() == 404) {
        return null;
      }
      throw e;
    }
  }

  private static ConsoleEvent event(String type, ObjectNode data) {
    return new ConsoleEvent(type, data);
  }
}
