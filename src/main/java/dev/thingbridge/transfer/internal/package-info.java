/**
 * Parts of the OTA agent that need none of {@code dev.thingbridge.transfer}'s API: the received-blocks ledger
 * ({@code BlockLedger}), the partial download and its checkpoints ({@code PartialDownload}), the CBOR a stream
 * request is written in ({@code CborWriter}), {@code Content-Range} parsing ({@code ContentRange}) and keeping
 * pre-signed URLs out of logs ({@code Redaction}). Not API.
 *
 * <p>The run itself (downloads over MQTT and HTTP, signature checks, the self-test gate, status reports) speaks the
 * OTA vocabulary (errors, files, listeners, platforms), so it lives package-private in {@code transfer}. This
 * package never imports its parent, so the two form no cycle.
 */
package dev.thingbridge.transfer.internal;
