/**
 * The local twin of the AWS IoT cloud: the cloud side of every device service (shadows, jobs, commands,
 * provisioning, Defender, streams and OTA updates, things), device-facing over MQTT and with an AWS-compatible
 * HTTP control plane, so that users and tests run everything without an AWS account.
 *
 * <p>{@link dev.thingbridge.twin.Twin} hosts {@link dev.thingbridge.twin.TwinService}s on one MQTT client and
 * commits their state to a {@code twin.store} before any reply goes out; {@link dev.thingbridge.twin.TwinServer}
 * assembles every service with a broker and the HTTP API. In tests the twin is the one fake cloud:
 * {@link dev.thingbridge.twin.TwinScript} scripts replies, records requests and injects faults per topic.
 *
 * <p>Each service lives in its own package ({@code twin.shadows}, {@code twin.jobs}, ...) as
 * {@code <Package>Service} with {@code internal.<Package>Routes} for its control plane; its topic grammar is the
 * cloud's own ({@code ShadowServiceTopics}, {@code CommandServiceTopics}, ...), independent of the device's, and
 * cross-checked against it in tests.
 *
 * <p>Layering: the twin imports {@code dev.thingbridge.mqtt} (the client interface and
 * {@link dev.thingbridge.mqtt.AwsNames}) and {@code dev.thingbridge.internal}; it never imports a device-side
 * service ({@code jobs}, {@code shadows}, ...), {@code component} or {@code cli}.
 */
package dev.thingbridge.twin;
