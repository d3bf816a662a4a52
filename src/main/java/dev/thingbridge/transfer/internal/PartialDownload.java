package dev.thingbridge.transfer.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.internal.AtomicFiles;
import dev.thingbridge.internal.NamedThreadFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.BitSet;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A download that survives a restart: the partial file ({@code data.part}, written in place at each block's
 * offset) and its ledger ({@code state.json}: which blocks are in it), in a directory of their own.
 *
 * <p>A checkpoint first makes the written blocks durable (fsync of the data, when {@code sync}), then replaces
 * the ledger atomically, so the ledger never claims a block the file does not hold; a kill at any moment loses at
 * most the blocks since the last checkpoint. The ledger names the download ({@code identity}); a directory left by
 * another download (another job, file, size or block size) is wiped instead of resumed.
 *
 * <p>{@link #checkpointInBackground} takes the same steps on a thread of its own ({@code
 * thingbridge-ota-checkpoint}, started when first needed), so that the download does not wait for the disk: it
 * records the blocks written before it was called, and the fsync that precedes the ledger covers them. One runs
 * at a time; {@link #checkpoint}, {@link #finish} and {@link #close} wait for it. Only the download's thread
 * calls into this class.
 */
public final class PartialDownload implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PartialDownload.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The file in the download directory that holds the bytes received so far. */
  public static final String DATA = "data.part";
  static final String STATE = "state.json";

  private final Path dir;
  private final String identity;
  private final boolean sync;
  private final BlockLedger ledger;
  private final int resumedBlocks;
  private FileChannel data;
  private volatile int checkpointedCount;
  private ExecutorService background;
  private Future<?> pending;

  private PartialDownload(Path dir, String identity, boolean sync, BlockLedger ledger, FileChannel data) {
    this.dir = dir;
    this.identity = identity;
    this.sync = sync;
    this.ledger = ledger;
    this.data = data;
    this.resumedBlocks = ledger.receivedCount();
    this.checkpointedCount = ledger.receivedCount();
  }

  /**
   * Opens the download in {@code dir}: resumes what a download with the same identity left there, or starts
   * empty.
   */
  public static PartialDownload open(Path dir, String identity, long fileSize, int blockSize, boolean sync)
      throws IOException {
    Files.createDirectories(dir);
    BitSet received = load(dir, identity, fileSize, blockSize);
    if (received == null) {
      Files.deleteIfExists(dir.resolve(STATE));
      Files.deleteIfExists(dir.resolve(DATA));
    }
    FileChannel ch = FileChannel.open(dir.resolve(DATA), StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    return new PartialDownload(dir, identity, sync, new BlockLedger(fileSize, blockSize, received), ch);
  }

  private static BitSet load(Path dir, String identity, long fileSize, int blockSize) {
    Path state = dir.resolve(STATE);
    if (!Files.exists(state) || !Files.exists(dir.resolve(DATA))) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(state.toFile());
      if (!identity.equals(n.path("identity").asText()) || n.path("size").asLong() != fileSize
          || n.path("blockSize").asInt() != blockSize) {
        log.info("ota: partial download in {} belongs to another download; starting over", dir.getFileName());
        return null;
      }
      return BitSet.valueOf(Base64.getDecoder().decode(n.path("received").asText()));
    } catch (IOException | IllegalArgumentException e) {
      log.warn("ota: partial download state in {} is unreadable ({}); starting over", dir.getFileName(), e.toString());
      return null;
    }
  }

  public BlockLedger ledger() {
    return ledger;
  }

  /** Blocks found on disk when it was opened. */
  public int resumedBlocks() {
    return resumedBlocks;
  }

  /** Blocks received since the last checkpoint. */
  public int uncheckpointed() {
    return ledger.receivedCount() - checkpointedCount;
  }

  /** The partial (or, once complete, whole) file. */
  public Path dataFile() {
    return dir.resolve(DATA);
  }

  /** Writes a block at its offset (it is recorded in the ledger by the caller). */
  public void write(long blockId, ByteBuffer block) throws IOException {
    long pos = blockId * ledger.blockSize();
    while (block.hasRemaining()) {
      pos += data.write(block, pos);
    }
  }

  /** Reads block {@code blockId} back into {@code into} (the verification's catch-up); returns its length. */
  public int read(long blockId, byte[] into) throws IOException {
    int length = ledger.expectedSize(blockId);
    ByteBuffer buf = ByteBuffer.wrap(into, 0, length);
    long pos = blockId * ledger.blockSize();
    while (buf.hasRemaining()) {
      int n = data.read(buf, pos + buf.position());
      if (n < 0) {
        throw new IOException("the partial file ends inside block " + blockId);
      }
    }
    return length;
  }

  /** Makes the blocks received so far survive a kill (and, with sync, a power loss). */
  public void checkpoint() throws IOException {
    awaitPending();
    if (ledger.receivedCount() == checkpointedCount) {
      return;
    }
    save(ledger.bits().toByteArray(), ledger.receivedCount());
  }

  /**
   * Starts a checkpoint of the blocks received so far on the checkpoint thread and returns at once; does nothing
   * while one is still running.
   *
   * @throws IOException if the previous one failed
   */
  public void checkpointInBackground() throws IOException {
    if (pending != null) {
      if (!pending.isDone()) {
        return;
      }
      awaitPending();
    }
    if (ledger.receivedCount() == checkpointedCount) {
      return;
    }
    byte[] bits = ledger.bits().toByteArray();
    int count = ledger.receivedCount();
    if (background == null) {
      background = Executors.newSingleThreadExecutor(new NamedThreadFactory("thingbridge-ota-checkpoint", true));
    }
    pending = background.submit(() -> {
      save(bits, count);
      return null;
    });
  }

  /** Waits for the checkpoint running in the background, if any; throws what it failed with. */
  private void awaitPending() throws IOException {
    Future<?> p = pending;
    if (p == null) {
      return;
    }
    pending = null;
    boolean interrupted = false;
    try {
      while (true) {
        try {
          p.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true; // the ledger must not be left half-written behind the caller's back
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          throw c instanceof IOException io ? io : new IOException("checkpoint failed: " + c, c);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void save(byte[] received, int count) throws IOException {
    if (sync) {
      data.force(false);
    }
    ObjectNode n = JSON.createObjectNode();
    n.put("identity", identity);
    n.put("size", ledger.fileSize());
    n.put("blockSize", ledger.blockSize());
    n.put("received", Base64.getEncoder().encodeToString(received));
    byte[] bytes = JSON.writeValueAsBytes(n);
    Path state = dir.resolve(STATE);
    if (sync) {
      AtomicFiles.write(state, bytes);
    } else {
      Path tmp = dir.resolve(STATE + ".tmp");
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, state, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, state, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    checkpointedCount = count;
  }

  /** Completes the file: every block is in, the data is flushed, the size is exact. */
  public void finish() throws IOException {
    awaitPending();
    data.truncate(ledger.fileSize());
    data.force(true);
    checkpoint();
  }

  /** Closes the file, keeping it for a later resume. */
  @Override
  public void close() {
    try {
      awaitPending();
    } catch (IOException e) {
      log.debug("ota: the last checkpoint failed: {}", e.toString());
    }
    if (background != null) {
      background.shutdown();
      background = null;
    }
    try {
      if (data != null && data.isOpen()) {
        data.close();
      }
    } catch (IOException e) {
      log.debug("ota: closing partial file: {}", e.toString());
    }
  }

  /** Closes and deletes the download (job over: failed, canceled, or the file handed on). */
  public void discard() {
    close();
    deleteTree(dir);
  }

  /** Deletes a download directory and what it holds; quietly. */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          log.debug("ota: could not delete {}: {}", p, e.toString());
        }
      });
    } catch (IOException e) {
      log.debug("ota: could not clean {}: {}", dir, e.toString());
    }
  }
}
