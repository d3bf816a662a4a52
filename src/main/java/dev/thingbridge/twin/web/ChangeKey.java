package dev.thingbridge.twin.web;

import dev.thingbridge.twin.TwinChange;
import java.util.List;

/**
 * Something the console shows that a commit changed: a thing, a shadow, a job, a job execution, a command, a
 * command execution or an OTA update. Many changes of one item before the console gets to it are one key.
 *
 * @param kind what it is
 * @param first the thing name, job id, command id, execution id or OTA update id
 * @param second the shadow name ({@code ""}: classic) or the job id of an execution; otherwise {@code ""}
 */
record ChangeKey(Kind kind, String first, String second) {
  enum Kind { THING, SHADOW, JOB, EXECUTION, COMMAND, COMMAND_EXECUTION, OTA }

  static ChangeKey of(Kind kind, String first) {
    return new ChangeKey(kind, first, "");
  }

  /** The keys a committed row stands for (none for a table the console does not show). */
  static List<ChangeKey> of(TwinChange c) {
    return switch (c.table()) {
      case "things" -> List.of(of(Kind.THING, c.keyText(0)));
      case "shadows" -> List.of(new ChangeKey(Kind.SHADOW, c.keyText(0), c.keyText(1)));
      case "jobs" -> List.of(of(Kind.JOB, c.keyText(0)));
      // An execution's change moves its job's counts (and may complete the job) without a jobs row.
      case "job_executions" -> List.of(new ChangeKey(Kind.EXECUTION, c.keyText(0), c.keyText(1)),
          of(Kind.JOB, c.keyText(1)));
      case "commands" -> List.of(of(Kind.COMMAND, c.keyText(0)));
      case "command_executions" -> List.of(of(Kind.COMMAND_EXECUTION, c.keyText(0)));
      case "ota_updates" -> List.of(of(Kind.OTA, c.keyText(0)));
      default -> List.of();
    };
  }
}
