/**
 * The local twin of the AWS IoT cloud: the cloud side of every device service (shadows, jobs, commands,
 * provisioning, Defender, streams and OTA updates, things), device-facing over MQTT and with an AWS-compatible
 * HTTP control plane, so that users and tests run everything without an AWS account.
 *
 * <p>This package is the twin's core: {@link dev.thingbridge.twin.Twin} hosts {@link
 * dev.thingbridge.twin.TwinService}s on one MQTT client and commits their state to a {@code twin.store} before any
 * reply goes out. In tests the twin is the one fake cloud: {@link dev.thingbridge.twin.TwinScript} scripts replies,
 * records requests and injects faults per topic. {@code TwinServer} (package {@code twin.server}) assembles every
 * service with the HTTP API and the web console; that is what {@code thingbridge twin} and {@code thingbridge
 * local} run.
 *
 * <p>Each service lives in its own package ({@code twin.shadows}, {@code twin.jobs}, ...): {@code <Package>Service}
 * and its public model, with its engine, state rows and {@code <Package>Routes} (its control plane) beside it as
 * package-private classes. Its topic grammar is the cloud's own ({@code ShadowServiceTopics}, {@code
 * CommandServiceTopics}, ...), independent of the device's, and cross-checked against it in tests.
 *
 * <p>Layering, each layer importing only those below it: {@code twin.store} and {@code twin.http} at the bottom;
 * this core; {@code twin.things}; the other services (OTA on jobs and streams, jobs and streams and provisioning
 * on things); {@code twin.web}; {@code twin.server} on top. The twin imports {@code dev.thingbridge.mqtt} (the
 * client interface and {@link dev.thingbridge.mqtt.AwsNames}) and {@code dev.thingbridge.internal}; it never
 * imports a device-side service ({@code jobs}, {@code shadows}, ...), {@code component} or {@code cli}.
 */
package dev.thingbridge.twin;
