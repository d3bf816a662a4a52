package dev.thingbridge.mcu.smp;

/**
 * Bootloader information (OS group command 8).
 *
 * @param name e.g. {@code MCUboot}; empty if the device does not say
 * @param mode the MCUboot mode, {@link BootloaderMode#UNKNOWN} if not reported
 * @param noDowngrade whether the bootloader refuses older versions
 */
public record BootloaderInfo(String name, BootloaderMode mode, boolean noDowngrade) {}
