package dev.thingbridge.transfer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 over 16 MiB of zeros in 8 KiB updates, on a daemon thread started with the updater, so that the JIT
 * compiles the JDK's SHA-256 (with its SHA-NI/AVX2 intrinsic) before the first download instead of during it. A
 * download hashes in runs of 512 KiB: too few calls for the JIT to rank the hash as hot while the HTTP client, the
 * MQTT client and Jackson are being compiled too, so a cold process hashed its first few hundred MiB with the
 * interpreted or C1 code, at a fifth of the speed (a JFR profile of {@code ota run} showed it using more CPU than the
 * download itself). Costs about 0.1-0.3 s of CPU once, while the process is idle.
 */
final class HashWarmUp {
  private static final int UPDATES = 2048;
  private static final int UPDATE_BYTES = 8192;

  private HashWarmUp() {}

  /** Starts the warm-up on a daemon thread named {@code name}; returns it. */
  static Thread start(String name) {
    Thread t = new Thread(HashWarmUp::run, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void run() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] data = new byte[UPDATE_BYTES];
      for (int i = 0; i < UPDATES && !Thread.currentThread().isInterrupted(); i++) {
        sha.update(data, 0, data.length);
      }
      sha.digest();
    } catch (NoSuchAlgorithmException e) {
      // every JDK has SHA-256; a download meets the same failure and reports it
    }
  }
}
