/**
 * The twin's AWS IoT Device Shadow service (cloud side).
 *
 * <p>Workflow, as on AWS: a device subscribes to {@code .../update/accepted}, {@code .../update/rejected} and
 * {@code .../update/delta} (and the get/delete replies) before it publishes requests; {@code /update} merges
 * a partial {@code state} into the stored document, bumps {@code version}, and publishes
 * {@code /update/accepted}, then {@code /update/delta} when desired and reported differ, then
 * {@code /update/documents}. {@code /get} answers the full document with its delta; {@code /delete} removes
 * the shadow but not its version numbering. Every reply echoes the request's {@code clientToken}.
 *
 * <p>{@link dev.thingbridge.twin.shadows.ShadowsService} is the service (add it to a {@code Twin});
 * {@link dev.thingbridge.twin.shadows.ShadowServiceTopics} parses and formats the topics; the document rules
 * ({@code ShadowEngine}) and the HTTP API live beside them.
 */
package dev.thingbridge.twin.shadows;
