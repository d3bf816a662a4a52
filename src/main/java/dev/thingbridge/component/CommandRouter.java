package dev.thingbridge.component;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.commands.CommandHandler;
import dev.thingbridge.commands.CommandOutcome;
import dev.thingbridge.commands.CommandRequest;
import dev.thingbridge.component.localapi.CommandClaims;
import java.util.Optional;

/**
 * Where a hosted thing's command executions go: to the sibling component that claimed the command, named by the
 * payload's {@code commands.nameField}; an execution without a name, or one nobody claimed, is REJECTED with
 * {@code NO_HANDLER}.
 */
final class CommandRouter implements CommandHandler<JsonNode> {
  private final String thing;
  private final CommandClaims claims;
  private final String nameField;

  CommandRouter(String thing, CommandClaims claims, String nameField) {
    this.thing = thing;
    this.claims = claims;
    this.nameField = nameField;
  }

  @Override
  public CommandOutcome handle(CommandRequest<JsonNode> request) throws Exception {
    JsonNode name = request.payload() == null ? null : request.payload().get(nameField);
    if (name == null || !name.isTextual() || name.asText().isEmpty()) {
      return CommandOutcome.rejected("NO_HANDLER", "the payload has no string field '" + nameField + "'");
    }
    Optional<String> holder = claims.holder(thing, name.asText());
    if (holder.isEmpty()) {
      return CommandOutcome.rejected("NO_HANDLER", "no component claimed command '" + name.asText() + "'");
    }
    return claims.run(thing, request, name.asText(), holder.get());
  }
}
