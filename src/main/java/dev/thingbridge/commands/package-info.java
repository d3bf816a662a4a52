/**
 * AWS IoT Commands on the device
 * (https://docs.aws.amazon.com/iot/latest/developerguide/iot-remote-command.html).
 *
 * <p>Workflow: {@link dev.thingbridge.commands.CommandAgent} subscribes to the request topic of its thing
 * ({@code $aws/commands/things/{thing}/...}) or client ({@code $aws/commands/clients/{clientId}/...}) in
 * JSON or CBOR, chosen per agent; each execution is decoded into the caller's payload type (or handed over
 * raw with its content type), reported IN_PROGRESS, run by a {@link dev.thingbridge.commands.CommandHandler},
 * and finished with SUCCEEDED and a result map ({@code s}, {@code b}, {@code bin}), or FAILED / REJECTED with
 * a validated {@code statusReason}. Caveats: the Commands API has no client token, so the replies of one
 * execution are matched in order; the cloud's TIMED_OUT is not final and the device may still report.
 */
package dev.thingbridge.commands;
