package dev.thingbridge.mcu.smp;

/**
 * MCUmgr parameters (OS group command 6).
 *
 * @param bufSize one SMP buffer, header included; with console framing the largest message is {@code bufSize - 4}
 * @param bufCount how many such buffers the device has
 */
public record McuParams(int bufSize, int bufCount) {}
