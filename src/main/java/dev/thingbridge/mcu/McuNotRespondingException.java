package dev.thingbridge.mcu;

/**
 * The port opened but nothing on it answers SMP: wrong port, wrong framing or baud, an application without
 * mcumgr, or an MCU that is hung or held in reset.
 */
public class McuNotRespondingException extends McuException {
  public McuNotRespondingException(String message) {
    super(message);
  }
}
