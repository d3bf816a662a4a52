package dev.thingbridge.twin.commands;

import java.util.List;

/**
 * One page of ListCommandExecutions.
 *
 * @param executions the executions on this page
 * @param nextToken the token for the next page, or null on the last one
 */
public record CommandExecutionPage(List<CommandExecution> executions, String nextToken) {
  public CommandExecutionPage {
    executions = List.copyOf(executions);
  }
}
