package dev.thingbridge.commands;

/**
 * A commands {@code rejected} reply: every field optional. The code is read from {@code error} (what AWS
 * sends) or {@code errorCode}, the text from {@code errorMessage} or {@code message}.
 */
public record CommandRejection(String executionId, CommandErrorCode code, String rawCode, String message,
    CommandStatus status) {}
