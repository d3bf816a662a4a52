package dev.thingbridge.mcu;

/**
 * A modem line wired to the MCU's reset, used when the MCU no longer answers SMP (a new image that hangs): the
 * line is asserted, held, then released.
 */
public enum ResetLine {
  /** No reset wiring: a hung MCU needs a power cycle. */
  NONE,
  /** RTS drives reset (many USB-serial bridges on development boards). */
  RTS,
  /** DTR drives reset. */
  DTR
}
