package dev.thingbridge.twin.commands;

import java.time.Instant;

/**
 * ListCommandExecutions' filters and paging (iot {@code POST /command-executions}). Every field is optional; give
 * at most one of {@code targetArn} and {@code commandArn}, and at most one of the two time filters.
 *
 * @param maxResults 1 to 100, or null for {@link CommandsSettings#defaultListPageSize()}
 * @param nextToken the token of the previous page, or null
 * @param namespace {@code AWS-IoT} or {@code AWS-IoT-FleetWise}, or null
 * @param status only executions in this status, or null
 * @param sortOrder {@code ASCENDING} or {@code DESCENDING} (the default), or null
 * @param startedTimeFilter only executions started in this window (sorted by start time), or null
 * @param completedTimeFilter only executions completed in this window (sorted by completion time), or null
 * @param targetArn only executions on this device, or null
 * @param commandArn only executions of this command, or null
 */
public record ListCommandExecutionsRequest(
    Integer maxResults,
    String nextToken,
    String namespace,
    CommandExecutionStatus status,
    String sortOrder,
    TimeFilter startedTimeFilter,
    TimeFilter completedTimeFilter,
    String targetArn,
    String commandArn) {

  /** No filter: every execution, newest first. */
  public static final ListCommandExecutionsRequest ALL =
      new ListCommandExecutionsRequest(null, null, null, null, null, null, null, null, null);

  /** Executions of one command. */
  public static ListCommandExecutionsRequest forCommand(String commandArn) {
    return new ListCommandExecutionsRequest(null, null, null, null, null, null, null, null, commandArn);
  }

  /** Executions on one device. */
  public static ListCommandExecutionsRequest forTarget(String targetArn) {
    return new ListCommandExecutionsRequest(null, null, null, null, null, null, null, targetArn, null);
  }

  /** A copy asking for another page size and page. */
  public ListCommandExecutionsRequest page(Integer size, String token) {
    return new ListCommandExecutionsRequest(size, token, namespace, status, sortOrder, startedTimeFilter,
        completedTimeFilter, targetArn, commandArn);
  }

  /** A copy filtering on a status. */
  public ListCommandExecutionsRequest withStatus(CommandExecutionStatus value) {
    return new ListCommandExecutionsRequest(maxResults, nextToken, namespace, value, sortOrder, startedTimeFilter,
        completedTimeFilter, targetArn, commandArn);
  }

  /** A copy with a sort order. */
  public ListCommandExecutionsRequest withSortOrder(String value) {
    return new ListCommandExecutionsRequest(maxResults, nextToken, namespace, status, value, startedTimeFilter,
        completedTimeFilter, targetArn, commandArn);
  }

  /** A copy with time filters. */
  public ListCommandExecutionsRequest withTimeFilters(TimeFilter started, TimeFilter completed) {
    return new ListCommandExecutionsRequest(maxResults, nextToken, namespace, status, sortOrder, started, completed,
        targetArn, commandArn);
  }

  /**
   * A time window; either bound may be null. AWS takes both as {@code yyyy-MM-dd'T'HH:mm} (UTC).
   *
   * @param after inclusive lower bound, or null
   * @param before inclusive upper bound, or null
   */
  public record TimeFilter(Instant after, Instant before) {
    /** Whether {@code t} lies in the window. */
    public boolean contains(Instant t) {
      return t != null && (after == null || !t.isBefore(after)) && (before == null || !t.isAfter(before));
    }
  }
}
