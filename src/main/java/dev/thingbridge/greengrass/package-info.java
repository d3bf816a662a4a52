/**
 * What a component asks of the Greengrass nucleus, over the process' one IPC connection
 * ({@link dev.thingbridge.greengrass.GreengrassIpc}, which reconnects and re-opens its streams by itself):
 * lifecycle state, configuration, component updates and local publish/subscribe
 * ({@link dev.thingbridge.greengrass.IpcLifecycle}), the {@link dev.thingbridge.mqtt.MqttClient} backend that
 * reaches AWS IoT Core through the nucleus ({@link dev.thingbridge.greengrass.IpcMqttClient}) and the one that
 * reaches the local ShadowManager ({@link dev.thingbridge.greengrass.ShadowManagerMqttClient}).
 *
 * <p>Layering: this package imports {@code mqtt} (the interface it implements) and {@code internal}, never a
 * service, {@code component}, {@code twin} or {@code cli}. Services never import it (they see only
 * {@code mqtt}); {@code component} and {@code cli} do.
 */
package dev.thingbridge.greengrass;
