package dev.thingbridge.component.localapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.commands.CommandOutcome;
import dev.thingbridge.commands.CommandRequest;
import dev.thingbridge.sibling.LocalApiErrorCode;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands claimed by sibling components by name (the value of the configured payload field, {@code name} by
 * default). Each execution of a claimed command is pushed to its claimant as a {@code command.execution}
 * event; the claimant answers with {@code commands/finish}, which the hosted command agent reports to the cloud.
 * As with jobs, a renewed claim answers with the executions still waiting, and a claim that lapses fails them.
 */
public final class CommandClaims {
  private static final Logger log = LoggerFactory.getLogger(CommandClaims.class);
  private static final long POLL_MS = 500;

  private record Kind(String thing, String name) {}

  private record Ref(String thing, String executionId) {}

  private static final class Pending {
    final String thing;
    final CommandRequest<JsonNode> request;
    final String name;
    final String holder;
    final CompletableFuture<CommandOutcome> outcome = new CompletableFuture<>();
    final CompletableFuture<Void> reported = new CompletableFuture<>();

    Pending(String thing, CommandRequest<JsonNode> request, String name, String holder) {
      this.thing = thing;
      this.request = request;
      this.name = name;
      this.holder = holder;
    }
  }

  private final Leases<Kind> claims = new Leases<>();
  private final Duration lease;
  private final Duration defaultTimeout;
  private final Map<Ref, Pending> pending = new ConcurrentHashMap<>();
  private volatile BiConsumer<String, ObjectNode> events = (c, e) -> {};

  /**
   * @param lease how long a claim lasts without renewal
   * @param defaultTimeout how long an execution waits for its claimant when the cloud sent no expiry
   */
  public CommandClaims(Duration lease, Duration defaultTimeout) {
    this.lease = Objects.requireNonNull(lease, "lease");
    this.defaultTimeout = Objects.requireNonNull(defaultTimeout, "defaultTimeout");
  }

  public void pushEventsTo(BiConsumer<String, ObjectNode> sender) {
    this.events = Objects.requireNonNull(sender, "sender");
  }

  /** Who claims command {@code name} on {@code thing}. */
  public Optional<String> holder(String thing, String name) {
    return claims.holder(new Kind(thing, name));
  }

  /**
   * Hands an execution to its claimant and waits for its outcome: the claimant's, or FAILED when the execution
   * expires first, REJECTED when the claim lapses.
   */
  public CommandOutcome run(String thing, CommandRequest<JsonNode> request, String name, String holder)
      throws InterruptedException {
    Ref ref = new Ref(thing, request.executionId());
    Pending p = new Pending(thing, request, name, holder);
    pending.put(ref, p);
    try {
      events.accept(holder, executionEvent(p));
      long deadline = System.nanoTime() + request.timeoutIfKnown().orElse(defaultTimeout).toNanos();
      long lapsedSince = 0;
      while (true) {
        try {
          return p.outcome.get(POLL_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException waiting) {
          // checks below
        } catch (ExecutionException impossible) {
          return CommandOutcome.failed("INTERNAL", String.valueOf(impossible.getCause()));
        }
        if (System.nanoTime() - deadline >= 0) {
          return CommandOutcome.failed("TIMEOUT", "component " + holder + " did not answer in time");
        }
        if (!holder.equals(holder(thing, name).orElse(null))) {
          if (lapsedSince == 0) {
            lapsedSince = System.nanoTime();
          } else if (System.nanoTime() - lapsedSince > lease.toNanos() / 3) {
            log.warn("commands: {} stopped renewing its claim on '{}'; execution {} rejected", holder, name,
                request.executionId());
            return CommandOutcome.rejected("NO_HANDLER", "component " + holder + " stopped renewing its claim");
          }
        } else {
          lapsedSince = 0;
        }
      }
    } finally {
      // Keep it findable until the agent reported it, so finish() can answer with the cloud's verdict.
      p.reported.orTimeout(lease.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete((v, e) -> pending.remove(ref, p));
    }
  }

  /** The agent's verdict on an execution's terminal status (its listener calls this). */
  public void reported(String thing, String executionId, Throwable error) {
    Pending p = pending.get(new Ref(thing, executionId));
    if (p != null) {
      if (error == null) {
        p.reported.complete(null);
      } else {
        p.reported.completeExceptionally(error);
      }
    }
  }

  // ---- the local API's operations ----

  /** {@code commands/claim}: claims or renews; answers with the lease and the executions waiting for the caller. */
  public ObjectNode claim(String caller, String thing, String name) {
    Optional<String> other = claims.claim(new Kind(thing, name), caller, lease);
    if (other.isPresent()) {
      throw ApiException.conflict("command '" + name + "' on " + thing + " is claimed by " + other.get());
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("thing", thing).put("name", name).put("leaseSeconds", lease.toSeconds());
    ArrayNode executions = out.putArray("executions");
    pending.forEach((ref, p) -> {
      if (ref.thing.equals(thing) && p.name.equals(name) && p.holder.equals(caller) && !p.outcome.isDone()) {
        executions.add(executionEvent(p));
      }
    });
    return out;
  }

  /** {@code commands/release}. */
  public ObjectNode release(String caller, String thing, String name) {
    return JsonNodeFactory.instance.objectNode().put("released", claims.release(new Kind(thing, name), caller));
  }

  /** {@code commands/finish}: the outcome; completes once the cloud accepted it (or refused it). */
  public CompletableFuture<JsonNode> finish(String caller, String thing, String executionId, CommandOutcome outcome) {
    Pending p = pending.get(new Ref(thing, executionId));
    if (p == null) {
      throw new ApiException(LocalApiErrorCode.NOT_FOUND, "no command execution " + executionId + " on " + thing
          + " is waiting for a component");
    }
    if (!p.holder.equals(caller)) {
      throw ApiException.conflict("execution " + executionId + " was handed to " + p.holder + ", not to " + caller);
    }
    if (!p.outcome.complete(outcome) && !p.outcome.join().equals(outcome)) {
      throw ApiException.conflict("execution " + executionId + " was already finished with "
          + p.outcome.join().status());
    }
    return p.reported.thenApply(v -> JsonNodeFactory.instance.objectNode().put("executionId", executionId)
        .put("status", outcome.status().name()));
  }

  private static ObjectNode executionEvent(Pending p) {
    CommandRequest<JsonNode> r = p.request;
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    e.put("type", "command.execution").put("stream", "commands").put("thing", p.thing)
        .put("executionId", r.executionId()).put("name", p.name);
    if (r.payload() != null) {
      e.set("payload", r.payload().deepCopy());
    } else {
      e.put("payloadBase64", Base64.getEncoder().encodeToString(r.rawPayload()));
    }
    r.contentTypeIfAny().ifPresent(ct -> e.put("contentType", ct));
    r.timeoutIfKnown().ifPresent(t -> e.put("timeoutSeconds", t.toSeconds()));
    return e;
  }

  /** After the component's link to its siblings came back: every claim gets a full lease to be renewed in. */
  public void reconnected() {
    claims.extendAll(lease);
  }
}
