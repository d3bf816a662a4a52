package dev.thingbridge.twin.commands;

import dev.thingbridge.twin.commands.ListCommandExecutionsRequest.TimeFilter;
import dev.thingbridge.twin.http.AwsApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * ListCommandExecutions: filters, sorts (newest first unless ASCENDING; by start or completion time when that
 * time filter is given, else by creation time) and pages. The page token is opaque to callers and bound to the
 * filters it was issued for.
 */
final class ExecutionLister {
  private final CommandsSettings settings;

  public ExecutionLister(CommandsSettings settings) {
    this.settings = settings;
  }

  public CommandExecutionPage list(Collection<CommandExecution> all, ListCommandExecutionsRequest r) {
    int pageSize = r.maxResults() == null ? settings.defaultListPageSize() : r.maxResults();
    if (pageSize < 1 || pageSize > 100) {
      throw validation("maxResults must be between 1 and 100.");
    }
    if (r.targetArn() != null && r.commandArn() != null) {
      throw validation("Specify either commandArn or targetArn, not both.");
    }
    if (r.startedTimeFilter() != null && r.completedTimeFilter() != null) {
      throw validation("Specify either startedTimeFilter or completedTimeFilter, not both.");
    }
    if (r.targetArn() != null && DeviceTarget.parseArn(r.targetArn()).isEmpty()) {
      throw validation("targetArn is not a valid thing or client ARN: " + r.targetArn());
    }
    boolean descending;
    if (r.sortOrder() == null || r.sortOrder().equals("DESCENDING")) {
      descending = true;
    } else if (r.sortOrder().equals("ASCENDING")) {
      descending = false;
    } else {
      throw validation("sortOrder must be ASCENDING or DESCENDING.");
    }
    boolean fleetWise = false;
    if (r.namespace() != null) {
      if (r.namespace().equals("AWS-IoT-FleetWise")) {
        fleetWise = true;
      } else if (!r.namespace().equals(CommandSpec.NAMESPACE_AWS_IOT)) {
        throw validation("namespace must be AWS-IoT or AWS-IoT-FleetWise.");
      }
    }
    int offset = r.nextToken() == null ? 0 : readToken(r.nextToken(), fingerprint(r));
    Function<CommandExecution, Instant> key = r.startedTimeFilter() != null ? CommandExecution::startedAt
        : r.completedTimeFilter() != null ? CommandExecution::completedAt : CommandExecution::createdAt;
    Comparator<CommandExecution> order = Comparator.comparing(key).thenComparing(CommandExecution::executionId);
    List<CommandExecution> matching = fleetWise ? List.of() : all.stream()
        .filter(e -> r.targetArn() == null || e.targetArn().equals(r.targetArn()))
        .filter(e -> r.commandArn() == null || e.commandArn().equals(r.commandArn()))
        .filter(e -> r.status() == null || e.status() == r.status())
        .filter(e -> matches(r.startedTimeFilter(), e.startedAt()))
        .filter(e -> matches(r.completedTimeFilter(), e.completedAt()))
        .sorted(descending ? order.reversed() : order)
        .toList();
    if (offset > matching.size()) {
      throw validation("nextToken is not valid for this request.");
    }
    int end = Math.min(matching.size(), offset + pageSize);
    String next = end < matching.size() ? writeToken(end, fingerprint(r)) : null;
    return new CommandExecutionPage(matching.subList(offset, end), next);
  }

  private static boolean matches(TimeFilter filter, Instant t) {
    return filter == null || filter.contains(t);
  }

  private static int fingerprint(ListCommandExecutionsRequest r) {
    return Objects.hash(r.namespace(), r.status(), r.sortOrder(), r.startedTimeFilter(), r.completedTimeFilter(),
        r.targetArn(), r.commandArn());
  }

  private static String writeToken(int offset, int fingerprint) {
    String raw = "v1:" + offset + ":" + Integer.toHexString(fingerprint);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  private static int readToken(String token, int fingerprint) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      String[] parts = raw.split(":");
      if (parts.length == 3 && parts[0].equals("v1") && parts[2].equals(Integer.toHexString(fingerprint))) {
        int offset = Integer.parseInt(parts[1]);
        if (offset >= 0) {
          return offset;
        }
      }
    } catch (IllegalArgumentException e) {
      // falls through to the validation error below
    }
    throw validation("nextToken is not valid for this request.");
  }

  private static AwsApiException validation(String message) {
    return new AwsApiException(400, "ValidationException", message);
  }
}
