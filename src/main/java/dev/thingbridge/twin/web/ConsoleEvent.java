package dev.thingbridge.twin.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * One server-sent event: its type ({@code snapshot}, {@code thing}, {@code shadow}, {@code job}, {@code
 * execution}, {@code command}, {@code commandExecution}, {@code ota}) and its JSON data.
 */
record ConsoleEvent(String type, ObjectNode data) {
  /**
   * The event as it goes on the wire. Jackson writes JSON on one line (a newline inside a string is
   * escaped), so one {@code data:} line carries it whatever the values hold.
   */
  byte[] encode() {
    try {
      return ("event: " + type + "\ndata: " + ConsoleJson.MAPPER.writeValueAsString(data) + "\n\n")
          .getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("console event not serializable", e);
    }
  }
}
