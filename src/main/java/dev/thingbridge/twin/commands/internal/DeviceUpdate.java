package dev.thingbridge.twin.commands.internal;

import dev.thingbridge.twin.commands.CommandExecutionStatus;
import dev.thingbridge.twin.commands.ResultValue;
import dev.thingbridge.twin.commands.StatusReason;
import java.util.Map;

/**
 * A decoded UpdateCommandExecution message from a device.
 *
 * @param status the reported status (never CREATED)
 * @param statusReason the reason, or null
 * @param result the result map, or null when the device sent none
 */
public record DeviceUpdate(CommandExecutionStatus status, StatusReason statusReason, Map<String, ResultValue> result) {}
