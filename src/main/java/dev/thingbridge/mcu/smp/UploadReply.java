package dev.thingbridge.mcu.smp;

import java.util.Optional;

/**
 * The reply to one upload chunk.
 *
 * @param offset the next offset the device expects: continue from here, never from {@code off + len(data)}
 * @param match on the last chunk of a device with image check: whether the received file's SHA-256 equals the
 *     {@code sha} sent with the first chunk
 */
public record UploadReply(long offset, Optional<Boolean> match) {}
