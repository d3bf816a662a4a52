package dev.thingbridge.mcu;

import dev.thingbridge.mcu.smp.BootloaderInfo;
import dev.thingbridge.mcu.smp.BootloaderMode;
import java.util.Optional;

/**
 * What probing a device found.
 *
 * @param id the device's id
 * @param port its port
 * @param framing {@code console} or {@code raw}
 * @param smpVersion 1 or 2
 * @param bufSize the SMP buffer size in use
 * @param bufSizeSource {@code device} (OS params), {@code configured} or {@code default}
 * @param bufCount buffers the device reported (1 when unknown)
 * @param bootloader bootloader info, if the device answers it
 * @param osInfo OS and application information, if the device answers it
 * @param inRecovery whether MCUboot's serial recovery answers (no OS info, no bootloader info): uploads overwrite
 *     the primary slot and there is no rollback
 */
public record DeviceInfo(String id, String port, String framing, int smpVersion, int bufSize, String bufSizeSource,
    int bufCount, Optional<BootloaderInfo> bootloader, Optional<String> osInfo, boolean inRecovery) {

  /** The bootloader mode, {@link BootloaderMode#UNKNOWN} if not reported. */
  public BootloaderMode mode() {
    return bootloader.map(BootloaderInfo::mode).orElse(BootloaderMode.UNKNOWN);
  }

  /**
   * Whether an unconfirmed image is reverted at the next reset: a swap or revert mode, or an unknown mode on an
   * application with two slots (the MCUboot default).
   */
  public boolean rollbackAvailable() {
    BootloaderMode m = mode();
    return !inRecovery && (m == BootloaderMode.UNKNOWN || m.canRevert());
  }
}
