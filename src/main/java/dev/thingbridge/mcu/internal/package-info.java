/**
 * Parts of the MCU bridge that need none of {@code dev.thingbridge.mcu}'s API: upload chunk sizing for the
 * device's buffer ({@code ChunkPlanner}) and the resumable record of a flash ({@code FlashJournal}). Not API.
 *
 * <p>The flash itself (connection, upload, restarts, recovery, the test/confirm flow) speaks the MCU vocabulary
 * (options, progress, results, errors), so it lives package-private in {@code mcu}, beside the SMP management
 * client ({@code McuMgr}, {@code SmpClient}) that raises those errors. This package imports {@code mcu.smp} and
 * {@code internal}, never its parent; {@code mcu.smp} (framing, CBOR, wire records) never imports {@code mcu}.
 */
package dev.thingbridge.mcu.internal;
