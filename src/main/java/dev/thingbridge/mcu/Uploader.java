package dev.thingbridge.mcu;

import dev.thingbridge.mcu.image.McubootImage;
import dev.thingbridge.mcu.internal.ChunkPlanner;
import dev.thingbridge.mcu.serial.SerialLinkClosedException;
import dev.thingbridge.mcu.smp.ImageMgmtError;
import dev.thingbridge.mcu.smp.UploadReply;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upload step (serial-bridge.md §7.3.3): the first chunk names image, length and the file's SHA-256 and gets the
 * long first-chunk timeout (the device erases the slot before answering); every next chunk starts at the offset the
 * device returned, never at {@code off + len(data)}. A chunk is retried after each request timeout; when all
 * attempts fail, or the port goes away, the device is given the boot timeout to answer again and the upload goes on
 * with {@code off: 0} and the same {@code sha}: the device resumes where it is if it kept power, or starts over
 * if it was reset. A device that returns offset 0 for a continuation lost the upload and is started over too.
 */
final class Uploader {
  private static final Logger LOG = LoggerFactory.getLogger(Uploader.class);
  private static final int MAX_RECOVERIES = 4;

  /** The last chunk's {@code match} was false: what the device stored is not the file. */
  static final class CorruptUploadException extends McuException {
    CorruptUploadException(String message) {
      super(message);
    }
  }

  private final FlashFlow flow;
  private final McuConnection conn;
  private final McuConfig config;

  Uploader(FlashFlow flow, McuConnection conn) {
    this.flow = flow;
    this.conn = conn;
    this.config = conn.config();
  }

  /** Uploads {@code image}; returns the bytes the device acknowledged. */
  long upload(McubootImage image, boolean upgradeOnly) throws IOException {
    long started = System.nanoTime();
    try {
      return uploadAll(image, upgradeOnly);
    } finally {
      flow.addUploadTime(System.nanoTime() - started);
    }
  }

  private long uploadAll(McubootImage image, boolean upgradeOnly) throws IOException {
    byte[] file = image.bytes();
    ChunkPlanner planner = new ChunkPlanner(config.codec().maxMessageSize(conn.bufSize()), file, image.fileSha256(),
        upgradeOnly);
    long off = 0;
    long acknowledged = 0;
    boolean first = true;
    int recoveries = 0;
    flow.progress(FlashStep.UPLOADING, 0, "uploading " + file.length + " bytes in chunks of up to "
        + planner.chunkData(false, 1) + " bytes (buffer " + conn.bufSize() + ")");
    while (true) {
      flow.checkInterrupted();
      long sendAt = first ? 0 : off;
      Map<String, Object> body = planner.chunk(sendAt);
      UploadReply reply;
      try {
        reply = conn.mgr().upload(body, first ? config.firstChunkTimeout() : config.requestTimeout(),
            config.attempts(), first ? "image upload (first chunk)" : "image upload at offset " + sendAt);
      } catch (McuTimeoutException | SerialLinkClosedException | McuPortException lost) {
        if (++recoveries > MAX_RECOVERIES) {
          throw lost;
        }
        LOG.info("{}: {}; waiting for the device to answer again", config.id(), lost.getMessage());
        flow.awaitAnswer("the upload stalled at offset " + off);
        first = true;
        continue;
      } catch (McuErrorResponseException e) {
        if (!first && e.error().imageError().map(c -> c == ImageMgmtError.FLASH_CONTEXT_NOT_SET).orElse(false)) {
          first = true; // the device forgot the upload: start it again
          continue;
        }
        throw e;
      }
      long next = reply.offset();
      if (next > file.length) {
        throw new McuProtocolException(config.id() + ": the device expects offset " + next + " of a "
            + file.length + "-byte image");
      }
      if (!first && next == 0 && off > 0) {
        LOG.info("{}: the device lost the upload at offset {} (reset?); starting over", config.id(), off);
        first = true;
        off = 0;
        continue;
      }
      boolean resumedHere = first && next > ((byte[]) body.get("data")).length;
      if (resumedHere) {
        flow.noteResumed();
        LOG.info("{}: the device resumes the upload at offset {}", config.id(), next);
      }
      acknowledged += Math.max(0, resumedHere ? 0 : first ? next : next - off);
      off = next;
      first = false;
      flow.uploaded(off, file.length);
      if (off == file.length) {
        if (reply.match().isPresent() && !reply.match().get()) {
          throw new CorruptUploadException(config.id() + ": the device's SHA-256 of the received image does not"
              + " match the file");
        }
        return acknowledged;
      }
    }
  }
}
