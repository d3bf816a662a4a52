package dev.thingbridge.twin.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.twin.commands.ListCommandExecutionsRequest.TimeFilter;
import dev.thingbridge.twin.http.ApiRequest;
import dev.thingbridge.twin.http.ApiResponse;
import dev.thingbridge.twin.http.AwsApiException;
import dev.thingbridge.twin.http.Route;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The commands operations over HTTP, shaped like AWS's REST APIs: CreateCommand ({@code PUT /commands/{id}}),
 * GetCommand ({@code GET /commands/{id}}), GetCommandExecution ({@code GET /command-executions/{id}?targetArn=})
 * from the {@code iot} API, and {@code POST /command-executions}, which is StartCommandExecution in the
 * {@code iot-jobs-data} API and ListCommandExecutions in the {@code iot} API. The two are told apart by the
 * service in the SigV4 credential scope of the {@code Authorization} header and, for unsigned requests, by the
 * body's shape.
 */
final class CommandsRoutes {
  private static final Pattern CREDENTIAL_SERVICE =
      Pattern.compile("Credential=[^/,\\s]+/[0-9]{8}/[^/,\\s]+/([^/,\\s]+)/aws4_request");
  private static final DateTimeFormatter FILTER_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm[:ss]");

  private final CommandsService service;
  private final CommandsJson json;

  public CommandsRoutes(CommandsService service, CommandsJson json) {
    this.service = service;
    this.json = json;
  }

  public List<Route> routes() {
    return List.of(
        Route.of("CreateCommand", "PUT", "/commands/(?<commandId>[^/]+)", this::createCommand),
        Route.of("GetCommand", "GET", "/commands/(?<commandId>[^/]+)", this::getCommand),
        Route.of("StartCommandExecution|ListCommandExecutions", "POST", "/command-executions",
            this::postCommandExecutions),
        Route.of("GetCommandExecution", "GET", "/command-executions/(?<executionId>[^/]+)",
            this::getCommandExecution));
  }

  private ApiResponse createCommand(ApiRequest request) {
    JsonNode body = body(request);
    CommandSpec spec;
    try {
      String namespace = CommandsJson.text(body, "namespace");
      JsonNode payload = body.get("payload");
      CommandSpec.Builder b = CommandSpec.builder(request.pathParam("commandId"))
          .namespace(namespace == null ? CommandSpec.NAMESPACE_AWS_IOT : namespace)
          .displayName(CommandsJson.text(body, "displayName"))
          .description(CommandsJson.text(body, "description"))
          .roleArn(CommandsJson.text(body, "roleArn"));
      if (payload != null && !payload.isNull()) {
        if (!payload.isObject()) {
          throw new IllegalArgumentException("payload must be an object");
        }
        String content = CommandsJson.text(payload, "content");
        b.payload(content == null ? new byte[0] : CommandsJson.decodeBase64("payload.content", content),
            CommandsJson.text(payload, "contentType"));
      }
      List<CommandParameter> params = new ArrayList<>();
      JsonNode mandatory = body.get("mandatoryParameters");
      if (mandatory != null && !mandatory.isNull()) {
        if (!mandatory.isArray()) {
          throw new IllegalArgumentException("mandatoryParameters must be a list");
        }
        for (JsonNode p : mandatory) {
          params.add(json.readParameter(p));
        }
      }
      spec = b.mandatoryParameters(params).build();
    } catch (IllegalArgumentException e) {
      throw validation(e.getMessage());
    }
    Command c = service.createCommand(spec);
    ObjectNode out = json.mapper().createObjectNode();
    out.put("commandId", c.commandId());
    out.put("commandArn", c.commandArn());
    return respond(out);
  }

  private ApiResponse getCommand(ApiRequest request) {
    return respond(json.command(service.command(request.pathParam("commandId"))));
  }

  private ApiResponse getCommandExecution(ApiRequest request) {
    String targetArn = request.queryParam("targetArn")
        .orElseThrow(() -> validation("targetArn is required."));
    boolean includeResult = request.queryParam("includeResult").map(v -> !v.equalsIgnoreCase("false"))
        .orElse(true);
    CommandExecution e = service.commandExecution(request.pathParam("executionId"), targetArn);
    return respond(json.execution(e, includeResult));
  }

  private ApiResponse postCommandExecutions(ApiRequest request) {
    JsonNode body = body(request);
    return isStart(request, body) ? start(body) : list(request, body);
  }

  /** StartCommandExecution is signed for iot-jobs-data, ListCommandExecutions for iot. */
  static boolean isStart(ApiRequest request, JsonNode body) {
    Optional<String> service = signingService(request);
    if (service.isPresent() && service.get().equals("iot-jobs-data")) {
      return true;
    }
    if (service.isPresent() && service.get().equals("iot")) {
      return false;
    }
    if (request.queryParam("maxResults").isPresent() || request.queryParam("nextToken").isPresent()) {
      return false;
    }
    return body.has("clientToken") || body.has("executionTimeoutSeconds") || body.has("parameters")
        || (body.has("targetArn") && body.has("commandArn"));
  }

  static Optional<String> signingService(ApiRequest request) {
    List<String> auth = request.headers().get("authorization");
    if (auth == null || auth.isEmpty()) {
      return Optional.empty();
    }
    Matcher m = CREDENTIAL_SERVICE.matcher(auth.get(0));
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private ApiResponse start(JsonNode body) {
    StartCommandExecutionRequest request;
    try {
      JsonNode timeout = body.get("executionTimeoutSeconds");
      if (timeout != null && !timeout.isNull() && !timeout.isIntegralNumber()) {
        throw new IllegalArgumentException("executionTimeoutSeconds must be a whole number");
      }
      String targetArn = CommandsJson.text(body, "targetArn");
      String commandArn = CommandsJson.text(body, "commandArn");
      if (targetArn == null || commandArn == null) {
        throw new IllegalArgumentException("targetArn and commandArn are required");
      }
      request = new StartCommandExecutionRequest(targetArn, commandArn, json.readParameters(body.get("parameters")),
          timeout == null || timeout.isNull() ? null : timeout.longValue(), CommandsJson.text(body, "clientToken"));
    } catch (IllegalArgumentException e) {
      throw validation(e.getMessage());
    }
    String executionId = service.startCommandExecution(request);
    ObjectNode out = json.mapper().createObjectNode();
    out.put("executionId", executionId);
    return respond(out);
  }

  private ApiResponse list(ApiRequest request, JsonNode body) {
    ListCommandExecutionsRequest r;
    try {
      Integer maxResults = null;
      Optional<String> max = request.queryParam("maxResults");
      if (max.isPresent()) {
        maxResults = Integer.valueOf(max.get());
      }
      String statusText = CommandsJson.text(body, "status");
      CommandExecutionStatus status = statusText == null ? null : CommandExecutionStatus.fromName(statusText);
      if (statusText != null && status == null) {
        throw new IllegalArgumentException("status must be one of CREATED, IN_PROGRESS, SUCCEEDED, FAILED, "
            + "REJECTED, TIMED_OUT");
      }
      r = new ListCommandExecutionsRequest(maxResults, request.queryParam("nextToken").orElse(null),
          CommandsJson.text(body, "namespace"), status, CommandsJson.text(body, "sortOrder"),
          timeFilter(body, "startedTimeFilter"), timeFilter(body, "completedTimeFilter"),
          CommandsJson.text(body, "targetArn"), CommandsJson.text(body, "commandArn"));
    } catch (IllegalArgumentException e) {
      throw validation(e.getMessage());
    }
    CommandExecutionPage page = service.listCommandExecutions(r);
    ObjectNode out = json.mapper().createObjectNode();
    ArrayNode list = out.putArray("commandExecutions");
    page.executions().forEach(e -> list.add(json.summary(e)));
    if (page.nextToken() != null) {
      out.put("nextToken", page.nextToken());
    }
    return respond(out);
  }

  private static TimeFilter timeFilter(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(field + " must be an object");
    }
    return new TimeFilter(filterTime(field, CommandsJson.text(node, "after")),
        filterTime(field, CommandsJson.text(node, "before")));
  }

  /** Parses AWS's {@code yyyy-MM-dd'T'HH:mm} (UTC); seconds and ISO-8601 instants are accepted too. */
  static Instant filterTime(String field, String text) {
    if (text == null) {
      return null;
    }
    try {
      return LocalDateTime.parse(text, FILTER_TIME).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(text.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e2) {
        throw new IllegalArgumentException(field + " times must have the form yyyy-MM-dd'T'HH:mm: " + text);
      }
    }
  }

  private JsonNode body(ApiRequest request) {
    if (request.body().length == 0) {
      return json.mapper().createObjectNode();
    }
    try {
      JsonNode node = json.mapper().readTree(request.body());
      if (node == null || !node.isObject()) {
        throw validation("The request body must be a JSON object.");
      }
      return node;
    } catch (IOException e) {
      throw validation("The request body is not valid JSON.");
    }
  }

  private ApiResponse respond(JsonNode doc) {
    return ApiResponse.bytes(200, "application/json", json.bytes(doc));
  }

  private static AwsApiException validation(String message) {
    return new AwsApiException(400, "ValidationException", message);
  }
}
