/**
 * The twin's AWS IoT Device Management commands: the cloud side of
 * <a href="https://docs.aws.amazon.com/iot/latest/developerguide/iot-remote-command.html">AWS IoT commands</a>.
 *
 * <p>Workflow, as on AWS:
 *
 * <ol>
 *   <li>CreateCommand ({@link dev.thingbridge.twin.commands.CommandsService#createCommand}, {@code PUT
 *       /commands/{id}}) stores a payload and its content type.
 *   <li>StartCommandExecution ({@code POST /command-executions}, iot-jobs-data) creates an execution for a thing
 *       or an MQTT client and publishes the payload unchanged on
 *       {@code $aws/commands/{things|clients}/{id}/executions/{executionId}/request[/json|/cbor]}, with the MQTT 5
 *       content type and a message expiry of the remaining timeout.
 *   <li>The device publishes UpdateCommandExecution documents (JSON or CBOR) on {@code .../response[/json|/cbor]}
 *       and is answered on {@code .../response/accepted} or {@code .../response/rejected} in the same format.
 *   <li>GetCommandExecution and ListCommandExecutions ({@code iot}) read the state; status changes are also
 *       published on {@code $aws/events/commandExecution/{commandId}/{status}}.
 * </ol>
 *
 * <p>{@link dev.thingbridge.twin.commands.CommandServiceTopics} formats and parses every topic; the codecs, the
 * rules, the HTTP API and the state rows are package-private classes beside the service.
 */
package dev.thingbridge.twin.commands;
