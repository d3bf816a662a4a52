package dev.thingbridge.twin.commands;

import java.util.Map;

/**
 * A decoded UpdateCommandExecution message from a device.
 *
 * @param status the reported status (never CREATED)
 * @param statusReason the reason, or null
 * @param result the result map, or null when the device sent none
 */
record DeviceUpdate(CommandExecutionStatus status, StatusReason statusReason, Map<String, ResultValue> result) {}
