/**
 * The Java client for sibling Greengrass components: {@link dev.thingbridge.sibling.ThingBridgeClient} speaks the
 * component's local API over Greengrass local pub/sub (shadows, jobs, commands, events), with timeouts, lease
 * renewal and reconnects to a restarting nucleus.
 *
 * <p>Self-contained on purpose: it imports the Greengrass IPC SDK and Jackson only, no other thingbridge package,
 * so that a sibling component takes it without the rest of thingbridge ({@link
 * dev.thingbridge.sibling.LocalApiTopics} spells the local API's topics on this side).
 */
package dev.thingbridge.sibling;
