/**
 * One MQTT client interface for every service, with a written contract ({@link dev.thingbridge.mqtt.MqttClient})
 * that three backends keep: Greengrass IPC (in {@code dev.thingbridge.greengrass}, which is also the component's
 * link to the nucleus), direct MQTT 5 over aws-crt ({@code mqtt.crt}) and the in-process bus ({@code mqtt.local},
 * with an MQTT server for local mode). Request/response over pub/sub is written once
 * ({@link dev.thingbridge.mqtt.MqttRequester}); the names AWS IoT accepts in its reserved topics are
 * {@link dev.thingbridge.mqtt.AwsNames}.
 *
 * <p>Layering: services ({@code jobs}, {@code shadows}, {@code commands}, ...) import this package, never a backend
 * package. This package and its sub-packages import only {@code dev.thingbridge.internal} (and their own
 * {@code mqtt.internal}), never a service, {@code greengrass}, {@code component}, {@code twin} or {@code cli}.
 */
package dev.thingbridge.mqtt;
