/**
 * The Greengrass v2 component: it reads its configuration from the nucleus (refusing a bad one with a
 * {@link dev.thingbridge.component.ConfigurationException} before it applies), hosts every service agent of every
 * configured thing on one connection ({@link dev.thingbridge.component.DeviceHost}), serves sibling components over
 * local pub/sub ({@code component.localapi}), reports its health and deploys firmware to attached MCUs.
 *
 * <p>Layering: {@code component} imports the services ({@code jobs}, {@code shadows}, {@code commands},
 * {@code provisioning}, {@code defender}, {@code transfer}, {@code mcu}), {@code mqtt} and its backends, the sibling
 * wire vocabulary ({@code dev.thingbridge.sibling}) and {@code internal}; it never imports {@code cli} or
 * {@code twin}. Only {@code cli} imports it.
 */
package dev.thingbridge.component;
