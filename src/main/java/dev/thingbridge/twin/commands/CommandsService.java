package dev.thingbridge.twin.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.mqtt.MessageProperties;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.twin.TwinContext;
import dev.thingbridge.twin.TwinOutbox;
import dev.thingbridge.twin.TwinService;
import dev.thingbridge.twin.commands.CommandServiceTopics.Kind;
import dev.thingbridge.twin.commands.CommandServiceTopics.Parsed;
import dev.thingbridge.twin.commands.CommandServiceTopics.PayloadFormat;
import dev.thingbridge.twin.commands.UpdateRejection.Code;
import dev.thingbridge.twin.http.AwsApiException;
import dev.thingbridge.twin.http.Route;
import dev.thingbridge.twin.store.StoreReader;
import dev.thingbridge.twin.store.StoreSchema;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud side of AWS IoT Device Management commands: CreateCommand/GetCommand, StartCommandExecution,
 * GetCommandExecution and ListCommandExecutions (as plain Java methods and as AWS-shaped HTTP routes), the
 * request published to the device, the device's UpdateCommandExecution over MQTT in JSON or CBOR, the timeout
 * and the {@code $aws/events/commandExecution/...} events.
 *
 * <p>Lifecycle: StartCommandExecution creates the execution in CREATED and publishes the command's payload,
 * unchanged, on {@code .../executions/<id>/request[/json|/cbor]} with the MQTT 5 content type and a message
 * expiry of the remaining timeout. The device reports IN_PROGRESS (any number of times) and then SUCCEEDED,
 * FAILED, REJECTED or TIMED_OUT, which are final: later updates are rejected with {@code
 * TERMINAL_STATE_REACHED}. When the timeout passes first, the twin's clock sets TIMED_OUT with reason {@code
 * $NO_RESPONSE_FROM_DEVICE}; that status is not final and the device may still report its final status.
 *
 * <p>Retention: an execution is deleted, with its client token, once its {@code timeToLive} has passed
 * ({@link CommandsSettings#executionTimeToLive()}, 183 days by default), and the oldest finished executions are
 * deleted first beyond {@link CommandsSettings#maxFinishedExecutions()} (10,000 by default), so the state stays
 * bounded under a steady load. Tables: {@code commands} and {@code command_executions}.
 *
 * <p>Threading: the {@link dev.thingbridge.twin.Twin} calls every method under its lock; device updates of
 * different things run concurrently ({@link #concurrentByThing()}): they only replace one execution in a
 * concurrent map, while everything that adds or removes executions runs alone. The public control-plane
 * methods take the lock through {@link TwinContext#exclusive}, so they may be called from any thread once the
 * service is attached to a twin. Errors of the control-plane methods are {@link AwsApiException}s with AWS's
 * types ({@code ValidationException} 400, {@code ResourceNotFoundException} 404, {@code ConflictException} 409).
 */
public final class CommandsService implements TwinService {
  private static final Logger log = LoggerFactory.getLogger(CommandsService.class);
  private static final Pattern COMMAND_ARN =
      Pattern.compile("arn:(aws[a-z-]*):iot:([a-z0-9-]+):([0-9]{12}):command/(.+)");
  private static final Pattern CLIENT_TOKEN = Pattern.compile("[\\x21-\\x7E]{1,64}");

  private final CommandsSettings settings;
  private final DeviceUpdateCodec codec = new DeviceUpdateCodec();
  private final CommandsJson json;
  private final CommandsState state;
  private final Map<String, Command> commands = new LinkedHashMap<>();
  /** Every execution by id; device updates replace entries concurrently. */
  private final Map<String, CommandExecution> executions = new ConcurrentHashMap<>();
  /** Execution ids in creation order; changed only by operations that run alone. */
  private final Set<String> order = new LinkedHashSet<>();
  private final Map<String, String> executionByClientToken = new HashMap<>();
  /** Ids of CREATED and IN_PROGRESS executions: the only ones the timer looks at. */
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private TwinContext context;

  /** A service with AWS's defaults ({@link CommandsSettings#DEFAULTS}). */
  public CommandsService() {
    this(CommandsSettings.DEFAULTS);
  }

  public CommandsService(CommandsSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.json = new CommandsJson(settings);
    this.state = new CommandsState(json);
  }

  @Override
  public String name() {
    return "commands";
  }

  @Override
  public void attach(TwinContext ctx) {
    this.context = ctx;
  }

  /** The settings this service runs with. */
  public CommandsSettings settings() {
    return settings;
  }

  @Override
  public List<SubscriptionFilter> filters() {
    List<SubscriptionFilter> filters = new ArrayList<>();
    for (PayloadFormat f : PayloadFormat.values()) {
      filters.add(SubscriptionFilter.of("$aws/commands/+/+/executions/+/response" + f.topicSuffix(),
          QoS.AT_LEAST_ONCE));
    }
    return filters;
  }

  // ---- control plane ------------------------------------------------------------------------------------

  /**
   * CreateCommand.
   *
   * @throws AwsApiException ValidationException for a bad id, namespace, payload or parameter;
   *     ConflictException if the id exists
   */
  public Command createCommand(CommandSpec spec) {
    return exclusive(out -> {
      CommandRules.validate(spec, settings);
      if (commands.containsKey(spec.commandId())) {
        throw new AwsApiException(409, "ConflictException",
            "A command with id " + spec.commandId() + " already exists.");
      }
      Instant now = now();
      Command command = new Command(spec, settings.commandArn(spec.commandId()), now, now);
      commands.put(spec.commandId(), command);
      out.save(CommandsState.COMMANDS, command.commandId(), now.toEpochMilli(), state.commandJson(command).toString());
      log.info("twin commands: created command {} ({} bytes, {})", spec.commandId(), spec.payload().length,
          spec.contentType());
      return command;
    });
  }

  /**
   * GetCommand.
   *
   * @throws AwsApiException ResourceNotFoundException if there is no such command
   */
  public Command command(String commandId) {
    return read(() -> {
      Command c = commands.get(commandId);
      if (c == null) {
        throw AwsApiException.notFound("Command " + commandId + " does not exist.");
      }
      return c;
    });
  }

  /** Every command, in creation order. */
  public List<Command> commands() {
    return read(() -> List.copyOf(commands.values()));
  }

  /**
   * StartCommandExecution: creates the execution and publishes the request to the device.
   *
   * @return the new execution's id (or, for a repeated client token with the same input, the earlier one's)
   * @throws AwsApiException ValidationException for a malformed ARN, timeout, parameter or token;
   *     ResourceNotFoundException for an unknown command or a target outside this account and region;
   *     ConflictException when a client token is reused with other input
   */
  public String startCommandExecution(StartCommandExecutionRequest request) {
    return exclusive(out -> start(request, out));
  }

  /**
   * GetCommandExecution.
   *
   * @throws AwsApiException ValidationException for a malformed target ARN; ResourceNotFoundException if the
   *     execution does not exist on that target
   */
  public CommandExecution commandExecution(String executionId, String targetArn) {
    return exclusive(out -> {
      expireDue(now(), out);
      if (targetArn == null || DeviceTarget.parseArn(targetArn).isEmpty()) {
        throw validation("targetArn is not a valid thing or client ARN: " + targetArn);
      }
      CommandExecution e = executions.get(executionId);
      if (e == null || !e.targetArn().equals(targetArn)) {
        throw AwsApiException.notFound("Command execution " + executionId + " does not exist for target "
            + targetArn + ".");
      }
      return e;
    });
  }

  /**
   * ListCommandExecutions.
   *
   * @throws AwsApiException ValidationException for both ARNs, both time filters, a bad page size or token
   */
  public CommandExecutionPage listCommandExecutions(ListCommandExecutionsRequest request) {
    return exclusive(out -> {
      expireDue(now(), out);
      return new ExecutionLister(settings).list(inCreationOrder(), request);
    });
  }

  /** Every execution in creation order (for tests and tools). */
  public List<CommandExecution> executions() {
    return read(this::inCreationOrder);
  }

  @Override
  public List<Route> routes() {
    return new CommandsRoutes(this, json).routes();
  }

  private <R> R exclusive(Function<TwinOutbox, R> operation) {
    if (context == null) {
      throw new IllegalStateException("the commands service is not attached to a twin");
    }
    return context.exclusive(this, operation);
  }

  /** A pure read. GetCommandExecution and ListCommandExecutions are not: they first time out due executions. */
  private <R> R read(Supplier<R> operation) {
    if (context == null) {
      throw new IllegalStateException("the commands service is not attached to a twin");
    }
    return context.read(this, operation);
  }

  private Instant now() {
    return context.now().truncatedTo(ChronoUnit.MILLIS);
  }

  private String start(StartCommandExecutionRequest request, TwinOutbox out) {
    Instant now = now();
    expireDue(now, out);
    DeviceTarget.ParsedArn target = DeviceTarget.parseArn(request.targetArn())
        .orElseThrow(() -> validation("targetArn is not a valid thing or client ARN: " + request.targetArn()));
    if (!target.partition().equals(settings.partition()) || !target.region().equals(settings.region())
        || !target.account().equals(settings.accountId())) {
      throw AwsApiException.notFound("Target " + request.targetArn() + " does not exist in this account.");
    }
    Command command = commandForArn(request.commandArn());
    long timeout = request.executionTimeoutSeconds() == null
        ? settings.defaultTimeoutSeconds() : request.executionTimeoutSeconds();
    if (timeout < 1 || timeout > settings.maxTimeoutSeconds()) {
      throw validation("executionTimeoutSeconds must be between 1 and " + settings.maxTimeoutSeconds() + ".");
    }
    Map<String, ParameterValue> parameters = CommandRules.parameters(command, request.parameters());
    String token = request.clientToken();
    if (token != null) {
      if (!CLIENT_TOKEN.matcher(token).matches()) {
        throw validation("clientToken must be 1 to 64 printable ASCII characters.");
      }
      String earlier = executionByClientToken.get(token);
      if (earlier != null) {
        CommandExecution e = executions.get(earlier);
        if (e != null && e.targetArn().equals(request.targetArn()) && e.commandArn().equals(command.commandArn())
            && e.executionTimeoutSeconds() == timeout && e.parameters().equals(parameters)) {
          return earlier;
        }
        throw new AwsApiException(409, "ConflictException",
            "The client token " + token + " was already used with different parameters.");
      }
    }
    String executionId = UUID.randomUUID().toString();
    Instant ttl = now.plus(settings.executionTimeToLive());
    CommandExecution execution = new CommandExecution(executionId, command.commandId(), command.commandArn(),
        target.target(), request.targetArn(), CommandExecutionStatus.CREATED, null, Map.of(), parameters, timeout,
        now, now, null, null, ttl, token);
    add(execution);
    save(execution, out);
    publishRequest(command, execution, now, out);
    publishEvent(execution, now, out);
    log.info("twin commands: started {} of {} on {} (timeout {} s)", executionId, command.commandId(),
        target.target(), timeout);
    return executionId;
  }

  private Command commandForArn(String commandArn) {
    Matcher m = commandArn == null ? null : COMMAND_ARN.matcher(commandArn);
    if (m == null || !m.matches()) {
      throw validation("commandArn is not a valid command ARN: " + commandArn);
    }
    Command command = commands.get(m.group(4));
    if (command == null || !command.commandArn().equals(commandArn)) {
      throw AwsApiException.notFound("Command " + commandArn + " does not exist.");
    }
    return command;
  }

  private void publishRequest(Command command, CommandExecution execution, Instant now, TwinOutbox out) {
    String contentType = command.spec().contentType();
    PayloadFormat format = PayloadFormat.forContentType(contentType);
    long remaining = Math.max(1, execution.deadline().getEpochSecond() - now.getEpochSecond());
    MessageProperties props = MessageProperties.builder()
        .contentType(contentType)
        .messageExpirySeconds(remaining)
        .build();
    out.publish(new MqttMessage(CommandServiceTopics.request(execution.target(), execution.executionId(), format),
        command.spec().payload(), QoS.AT_LEAST_ONCE, false, props));
  }

  private void publishEvent(CommandExecution e, Instant now, TwinOutbox out) {
    if (settings.publishEvents()) {
      out.publish(MqttMessage.of(CommandServiceTopics.event(e.commandId(), e.status()), json.event(e, now),
          QoS.AT_LEAST_ONCE));
    }
  }

  // ---- device side --------------------------------------------------------------------------------------

  @Override
  public boolean handle(MqttMessage message, TwinOutbox out) {
    Optional<Parsed> parsed = CommandServiceTopics.parse(message.topic());
    if (parsed.isEmpty() || parsed.get().kind() != Kind.RESPONSE) {
      log.debug("twin commands: ignored a message on {}", message.topic());
      return false;
    }
    Parsed topic = parsed.get();
    Instant now = now();
    CommandExecution current = executions.get(topic.executionId());
    boolean changed = current != null && current.target().equals(topic.target()) && expireIfDue(current, now, out);
    try {
      if (message.payload().length > context.limits().maxPayloadBytes()) {
        throw new UpdateRejection(Code.INVALID_REQUEST,
            "Payload exceeds the maximum size of " + context.limits().maxPayloadBytes() + " bytes.");
      }
      DeviceUpdate update = codec.decode(message.payload(), topic.format());
      CommandExecution updated = apply(topic, update, now);
      save(updated, out);
      out.publish(MqttMessage.of(CommandServiceTopics.accepted(topic.target(), topic.executionId(), topic.format()),
          codec.accepted(topic.executionId(), topic.format()), QoS.AT_LEAST_ONCE));
      publishEvent(updated, now, out);
      return true;
    } catch (UpdateRejection r) {
      log.debug("twin commands: rejected an update of {}: {} {}", topic.executionId(), r.code(), r.getMessage());
      out.publish(MqttMessage.of(CommandServiceTopics.rejected(topic.target(), topic.executionId(), topic.format()),
          codec.rejected(topic.executionId(), r, topic.format()), QoS.AT_LEAST_ONCE));
      return changed;
    }
  }

  private CommandExecution apply(Parsed topic, DeviceUpdate update, Instant now) throws UpdateRejection {
    CommandExecution e = executions.get(topic.executionId());
    if (e == null || !e.target().equals(topic.target())) {
      throw new UpdateRejection(Code.RESOURCE_NOT_FOUND,
          "Command execution " + topic.executionId() + " does not exist for " + topic.target() + ".");
    }
    if (e.isTerminal()) {
      throw new UpdateRejection(Code.TERMINAL_STATE_REACHED, "Command Execution status cannot be updated to "
          + update.status() + " since execution has already completed with status " + e.status() + ".");
    }
    if (e.status() == CommandExecutionStatus.TIMED_OUT && !update.status().endsExecution()) {
      throw new UpdateRejection(Code.INVALID_STATE_TRANSITION, "Command Execution status cannot be updated to "
          + update.status() + " since execution has timed out; only a final status may be reported.");
    }
    Map<String, ResultValue> result = update.result() != null ? update.result() : e.result();
    Instant startedAt = e.startedAt() != null ? e.startedAt() : now;
    Instant completedAt = update.status().endsExecution() ? now : null;
    CommandExecution updated = e.withStatus(update.status(), update.statusReason(), result, now, startedAt,
        completedAt);
    executions.put(e.executionId(), updated);
    if (update.status().endsExecution()) {
      running.remove(e.executionId());
    }
    return updated;
  }

  @Override
  public boolean tick(Instant now, TwinOutbox out) {
    Instant at = now.truncatedTo(ChronoUnit.MILLIS);
    boolean changed = expireDue(at, out);
    return evict(at, out) || changed;
  }

  /**
   * Deletes, oldest first, the executions whose time to live has passed and the finished executions beyond the
   * cap. Executions are kept in creation order, so this looks at the oldest ones only.
   */
  private boolean evict(Instant now, TwinOutbox out) {
    int excess = order.size() - running.size() - settings.maxFinishedExecutions();
    int evicted = 0;
    for (Iterator<String> it = order.iterator(); it.hasNext(); ) {
      CommandExecution e = executions.get(it.next());
      boolean expired = !now.isBefore(e.timeToLive());
      boolean finished = !running.contains(e.executionId());
      if (!expired && excess <= 0) {
        break;
      }
      if (expired || finished) {
        it.remove();
        executions.remove(e.executionId());
        running.remove(e.executionId());
        if (e.clientToken() != null) {
          executionByClientToken.remove(e.clientToken(), e.executionId());
        }
        out.delete(CommandsState.EXECUTIONS, e.executionId());
        excess -= finished ? 1 : 0;
        evicted++;
      }
    }
    if (evicted > 0) {
      log.debug("twin commands: deleted {} executions (time to live or cap)", evicted);
    }
    return evicted > 0;
  }

  /** Sets TIMED_OUT on every CREATED or IN_PROGRESS execution whose timeout has passed, oldest first. */
  private boolean expireDue(Instant now, TwinOutbox out) {
    List<CommandExecution> due = new ArrayList<>();
    for (String id : running) {
      CommandExecution e = executions.get(id);
      if (e != null && !now.isBefore(e.deadline())) {
        due.add(e);
      }
    }
    due.sort(Comparator.comparing(CommandExecution::createdAt).thenComparing(CommandExecution::executionId));
    boolean changed = false;
    for (CommandExecution e : due) {
      changed |= expireIfDue(e, now, out);
    }
    return changed;
  }

  /** Sets TIMED_OUT on one execution if it is still running and its timeout has passed. */
  private boolean expireIfDue(CommandExecution e, Instant now, TwinOutbox out) {
    if (now.isBefore(e.deadline()) || !running.remove(e.executionId())) {
      return false;
    }
    CommandExecution timedOut = e.withStatus(CommandExecutionStatus.TIMED_OUT,
        new StatusReason(StatusReason.NO_RESPONSE_FROM_DEVICE, null), e.result(), now, e.startedAt(), null);
    executions.put(e.executionId(), timedOut);
    save(timedOut, out);
    publishEvent(timedOut, now, out);
    log.info("twin commands: execution {} on {} timed out after {} s", e.executionId(), e.target(),
        e.executionTimeoutSeconds());
    return true;
  }

  /** Every execution in creation order. */
  private List<CommandExecution> inCreationOrder() {
    List<CommandExecution> out = new ArrayList<>(order.size());
    for (String id : order) {
      out.add(executions.get(id));
    }
    return out;
  }

  /** Device requests only change memory; the commit comes after, off this call. */
  @Override
  public boolean handlesQuickly() {
    return true;
  }

  @Override
  public boolean concurrentByThing() {
    return true;
  }

  @Override
  public void answerInternalFailure(MqttMessage request, TwinOutbox out) {
    CommandServiceTopics.parse(request.topic()).filter(t -> t.kind() == Kind.RESPONSE).ifPresent(topic ->
        out.publish(MqttMessage.of(CommandServiceTopics.rejected(topic.target(), topic.executionId(), topic.format()),
            codec.rejected(topic.executionId(), new UpdateRejection(Code.INTERNAL_ERROR,
                "The update could not be saved; it had no effect."), topic.format()), QoS.AT_LEAST_ONCE)));
  }

  // ---- persistence --------------------------------------------------------------------------------------

  private void save(CommandExecution e, TwinOutbox out) {
    out.save(CommandsState.EXECUTIONS, e.executionId(), e.targetArn(), e.commandArn(), e.status().name(),
        e.createdAt().toEpochMilli(), e.timeToLive().toEpochMilli(), e.clientToken(),
        state.executionJson(e).toString());
  }

  @Override
  public StoreSchema schema() {
    return CommandsState.SCHEMA;
  }

  @Override
  public void load(StoreReader store) {
    clear();
    store.query("SELECT command_id, document FROM commands ORDER BY rowid", row -> {
      String id = row.text("command_id");
      try {
        Command c = state.readCommand(json.mapper().readTree(row.text("document")));
        commands.put(c.commandId(), c);
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("commands state: command \"" + id + "\" is unreadable: " + e.getMessage(), e);
      }
    });
    store.query("SELECT execution_id, document FROM command_executions ORDER BY rowid", row -> {
      String id = row.text("execution_id");
      try {
        add(state.readExecution(json.mapper().readTree(row.text("document"))));
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("commands state: execution \"" + id + "\" is unreadable: " + e.getMessage(), e);
      }
    });
    log.info("twin commands: loaded {} commands and {} executions", commands.size(), executions.size());
  }

  @Override
  public void importJson(JsonNode snapshot, TwinOutbox out) {
    CommandsState.Restored r = state.read(snapshot);
    clear();
    r.commands().forEach(c -> commands.put(c.commandId(), c));
    r.executions().forEach(this::add);
    r.clientTokens().forEach((token, id) -> {
      CommandExecution e = executions.get(id);
      if (e != null && e.clientToken() == null) {
        executions.put(id, e.withClientToken(token));
        executionByClientToken.put(token, id);
      }
    });
    commands.values().forEach(c -> out.save(CommandsState.COMMANDS, c.commandId(), c.createdAt().toEpochMilli(),
        state.commandJson(c).toString()));
    inCreationOrder().forEach(e -> save(e, out));
  }

  private void clear() {
    commands.clear();
    executions.clear();
    order.clear();
    executionByClientToken.clear();
    running.clear();
  }

  private void add(CommandExecution e) {
    executions.put(e.executionId(), e);
    order.add(e.executionId());
    if (e.status() == CommandExecutionStatus.CREATED || e.status() == CommandExecutionStatus.IN_PROGRESS) {
      running.add(e.executionId());
    }
    if (e.clientToken() != null) {
      executionByClientToken.put(e.clientToken(), e.executionId());
    }
  }

  private static AwsApiException validation(String message) {
    return new AwsApiException(400, "ValidationException", message);
  }
}
