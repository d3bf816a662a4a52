package dev.thingbridge.transfer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Makes the JIT compile the JDK's SHA-256 (with its SHA-NI/AVX2 intrinsic) before the first download instead of
 * during it, on a daemon thread started with the updater. A download hashes in runs of 512 KiB: too few calls for
 * the JIT to rank the hash as hot while the HTTP client, the MQTT client and Jackson are being compiled too, so a
 * cold process hashed its first few hundred MiB with the interpreted or C1 code, at a fifth of the speed.
 *
 * <p>It hashes 512 KiB of zeros in 8 KiB updates (some 8,000 compressions: past the thresholds at which the
 * tiered JIT queues the hash for C2), then waits for the compiler instead of hashing on: every 50 ms it times a
 * 128 KiB probe, which also keeps the method hot, and stops once a probe runs at compiled speed (under half a
 * millisecond, 250 MB/s) or after 60 probes (3 s, 8 MiB in all). Hashing 16 MiB outright, as it first did, kept a
 * loaded machine's core busy with the slow code while the compile waited in the queue: a JFR profile of {@code ota
 * run} at load 18 had a third of its samples in that thread, overlapping the first download.
 */
final class HashWarmUp {
  private static final int UPDATE_BYTES = 8192;
  private static final int FIRST_UPDATES = 64;
  private static final int PROBE_UPDATES = 16;
  private static final int MAX_PROBES = 60;
  private static final long FAST_PROBE_NANOS = 500_000;
  private static final long PROBE_PAUSE_MILLIS = 50;

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
      hash(sha, data, FIRST_UPDATES);
      for (int probe = 0; probe < MAX_PROBES; probe++) {
        Thread.sleep(PROBE_PAUSE_MILLIS);
        long start = System.nanoTime();
        hash(sha, data, PROBE_UPDATES);
        if (System.nanoTime() - start < FAST_PROBE_NANOS) {
          break;
        }
      }
      sha.digest();
    } catch (NoSuchAlgorithmException e) {
      // every JDK has SHA-256; a download meets the same failure and reports it
    } catch (InterruptedException e) {
      // the updater closed: nothing to warm up for
    }
  }

  private static void hash(MessageDigest sha, byte[] data, int updates) {
    for (int i = 0; i < updates && !Thread.currentThread().isInterrupted(); i++) {
      sha.update(data, 0, data.length);
    }
  }
}
