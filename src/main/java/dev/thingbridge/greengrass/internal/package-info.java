/**
 * The machinery under {@code dev.thingbridge.greengrass}: the supervised IPC connection ({@link
 * dev.thingbridge.greengrass.internal.IpcConnection}: reconnect with backoff, bounded calls, ordered dispatch),
 * the streams it re-opens after every reconnect ({@link dev.thingbridge.greengrass.internal.DurableStream}), the
 * pool of {@code SubscribeToIoTCore} streams ({@link dev.thingbridge.greengrass.internal.IoTCoreStreamPool}) and
 * the number repair for IPC maps ({@link dev.thingbridge.greengrass.internal.IpcValues}). Not an API: its types
 * may change in any release.
 *
 * <p>Layering: this package imports {@code mqtt}, {@code mqtt.internal} and {@code internal}, never its parent:
 * the parent's exception type reaches the connection as an {@link
 * dev.thingbridge.greengrass.internal.IpcFailures} the parent implements.
 */
package dev.thingbridge.greengrass.internal;
