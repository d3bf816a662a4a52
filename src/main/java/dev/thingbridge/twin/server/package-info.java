/**
 * The whole local cloud in one piece: {@link dev.thingbridge.twin.server.TwinServer} starts a {@code Twin} with
 * every service, and on request the HTTP control plane, the OTA file server and the web console. This is what
 * {@code thingbridge twin} and {@code thingbridge local} run, and what tests and embedding applications start.
 *
 * <p>The top of the twin: it imports the twin's core, every service package and {@code twin.web}; nothing in the
 * twin imports it (the {@code cli} does).
 */
package dev.thingbridge.twin.server;
