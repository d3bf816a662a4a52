package dev.thingbridge.mcu.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mcu.image.ImageVersion;
import dev.thingbridge.mcu.image.McubootImage;
import dev.thingbridge.mcu.smp.BootloaderMode;
import dev.thingbridge.mcu.smp.ImageMgmtError;
import dev.thingbridge.mcu.smp.McuMgrError;
import dev.thingbridge.mcu.smp.SmpOp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Image management (group 1) with Zephyr's upload and state rules ({@code img_mgmt.c}, {@code img_mgmt_state.c};
 * serial-bridge.md §1.3) or MCUboot recovery's: state read and write, upload (resume by {@code sha}, offsets
 * idempotent, first-chunk checks, erase at the first chunk or progressively, aligned writes), erase (which also
 * forgets the upload, the fix of zephyr #51798) and slot info. The upload session lives in "RAM": a reset loses it.
 */
final class FakeImageGroup {
  private final FakeMcu mcu;
  private Upload upload;
  private int chunks;
  private boolean powerCutDone;

  /** The upload in progress. */
  private static final class Upload {
    final int slot;
    final long len;
    final byte[] sha;
    long off;
    long erasedTo;

    Upload(int slot, long len, byte[] sha) {
      this.slot = slot;
      this.len = len;
      this.sha = sha;
    }
  }

  FakeImageGroup(FakeMcu mcu) {
    this.mcu = mcu;
  }

  /** Forgets the upload session (a reset clears RAM). */
  void forgetUpload() {
    upload = null;
  }

  /** The next offset of the upload in progress, or -1. */
  long uploadOffset() {
    return upload == null ? -1 : upload.off;
  }

  int chunksReceived() {
    return chunks;
  }

  Map<String, Object> handle(int command, SmpOp op, ObjectNode body, boolean recovery)
      throws FakeRequestError, FakeSmpServer.PowerCut {
    switch (command) {
      case 0:
        if (op == SmpOp.READ) {
          return state(recovery);
        }
        if (recovery) {
          throw FakeRequestError.smp(McuMgrError.ENOTSUP);
        }
        return stateWrite(body);
      case 1:
        return upload(body, recovery);
      case 5:
        if (recovery) {
          throw FakeRequestError.smp(McuMgrError.ENOTSUP);
        }
        return erase(body);
      case 6:
        return slotInfo();
      default:
        throw FakeRequestError.smp(McuMgrError.ENOTSUP);
    }
  }

  private boolean singleSlot(boolean recovery) {
    return recovery || !mcu.options().mode.canRevert() && mcu.options().mode != BootloaderMode.OVERWRITE_ONLY;
  }

  Map<String, Object> state(boolean recovery) {
    FakeFlash f = mcu.flash();
    List<Object> images = new ArrayList<>();
    for (int slot = 0; slot < (singleSlot(recovery) ? 1 : 2); slot++) {
      Optional<McubootImage> img = f.image(slot);
      if (img.isEmpty()) {
        continue;
      }
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("image", 0);
      e.put("slot", slot);
      e.put("version", img.get().version().toString());
      e.put("hash", img.get().hash());
      if (!recovery) {
        e.put("bootable", img.get().bootable());
        e.put("pending", slot == 1 && (f.pendingTest || f.pendingPermanent));
        e.put("confirmed", slot == 0 ? !f.revertPending : f.revertPending);
        e.put("active", slot == 0);
        e.put("permanent", slot == 1 && f.pendingPermanent);
      }
      images.add(e);
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("images", images);
    if (!recovery) {
      r.put("splitStatus", 0);
    }
    return r;
  }

  private Map<String, Object> stateWrite(ObjectNode body) throws FakeRequestError {
    FakeFlash f = mcu.flash();
    boolean confirm = body.path("confirm").asBoolean(false);
    byte[] hash = bytes(body, "hash");
    if (hash != null && hash.length != 0 && hash.length != 32) {
      throw FakeRequestError.image(ImageMgmtError.INVALID_HASH);
    }
    if (confirm && (hash == null || hash.length == 0)) {
      f.revertPending = false; // "I booted fine": the running image is confirmed
      return state(false);
    }
    if (hash == null || hash.length == 0) {
      throw FakeRequestError.image(ImageMgmtError.INVALID_HASH);
    }
    int slot = slotOf(hash, singleSlot(false));
    if (slot < 0) {
      throw FakeRequestError.image(ImageMgmtError.HASH_NOT_FOUND);
    }
    if (slot == 0) {
      if (!confirm) {
        throw FakeRequestError.image(ImageMgmtError.IMAGE_SETTING_TEST_TO_ACTIVE_DENIED);
      }
      f.revertPending = false;
      return state(false);
    }
    if (f.revertPending) {
      // The secondary slot holds what a revert restores; it cannot be scheduled as an update meanwhile.
      throw FakeRequestError.image(confirm ? ImageMgmtError.IMAGE_CONFIRMATION_DENIED
          : ImageMgmtError.IMAGE_ALREADY_PENDING);
    }
    if (confirm) {
      f.pendingPermanent = true;
      f.pendingTest = false;
    } else if (!f.pendingPermanent) {
      f.pendingTest = true; // re-marking the pending slot is a no-op success
    }
    return state(false);
  }

  private int slotOf(byte[] hash, boolean single) {
    for (int slot = 0; slot < (single ? 1 : 2); slot++) {
      Optional<McubootImage> img = mcu.flash().image(slot);
      if (img.isPresent() && MessageDigest.isEqual(img.get().hash(), hash)) {
        return slot;
      }
    }
    return -1;
  }

  private Map<String, Object> upload(ObjectNode body, boolean recovery)
      throws FakeRequestError, FakeSmpServer.PowerCut {
    chunks++;
    if (chunks == mcu.options().resetAtChunk && !powerCutDone) {
      powerCutDone = true;
      throw new FakeSmpServer.PowerCut();
    }
    JsonNode offNode = body.get("off");
    if (offNode == null || !offNode.canConvertToLong() || offNode.asLong() < 0) {
      throw FakeRequestError.image(ImageMgmtError.INVALID_OFFSET);
    }
    long off = offNode.asLong();
    byte[] data = bytes(body, "data");
    if (data == null) {
      throw FakeRequestError.smp(McuMgrError.EINVAL);
    }
    if (off == 0) {
      Map<String, Object> resumed = start(body, data, recovery);
      if (resumed != null) {
        return resumed;
      }
    } else if (upload == null) {
      if (recovery) {
        throw FakeRequestError.smp(McuMgrError.EINVAL);
      }
      return Map.of("off", 0L); // nothing in progress (a reset lost it): the client restarts from 0
    } else if (off != upload.off) {
      return Map.of("off", upload.off); // dropped; the client continues from the offset we expect
    }
    if (off + data.length > upload.len) {
      throw FakeRequestError.image(ImageMgmtError.INVALID_IMAGE_DATA_OVERRUN);
    }
    int writeLen = data.length;
    if (off + writeLen < upload.len) {
      writeLen -= writeLen % mcu.options().writeAlign;
    }
    eraseAhead(off + writeLen);
    mcu.flash().write(upload.slot, off, data, writeLen);
    mcu.spend(mcu.options().writeTimePerKiB.multipliedBy(writeLen).dividedBy(1024));
    upload.off += writeLen;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("off", upload.off);
    if (upload.off == upload.len) {
      if (!recovery && mcu.options().imageCheck && upload.sha != null) {
        r.put("match", MessageDigest.isEqual(sha256(mcu.flash().read(upload.slot, (int) upload.len)), upload.sha));
      }
      upload = null;
    }
    return r;
  }

  /** The first chunk: checks, resume, slot choice and erase. Returns the reply when resuming, else null. */
  private Map<String, Object> start(ObjectNode body, byte[] data, boolean recovery) throws FakeRequestError {
    JsonNode lenNode = body.get("len");
    if (data.length < McubootImage.HEADER_SIZE) {
      throw FakeRequestError.image(ImageMgmtError.INVALID_IMAGE_HEADER);
    }
    if (lenNode == null || !lenNode.canConvertToLong() || lenNode.asLong() <= 0) {
      throw FakeRequestError.image(ImageMgmtError.INVALID_LENGTH);
    }
    ByteBuffer h = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    if (h.getInt(0) != McubootImage.MAGIC) {
      throw FakeRequestError.image(ImageMgmtError.INVALID_IMAGE_HEADER_MAGIC);
    }
    long len = lenNode.asLong();
    byte[] sha = recovery ? null : bytes(body, "sha");
    if (sha != null && sha.length > 32) {
      throw FakeRequestError.image(ImageMgmtError.INVALID_HASH);
    }
    if (!recovery && upload != null && sha != null && upload.sha != null && MessageDigest.isEqual(sha, upload.sha)) {
      return Map.of("off", upload.off); // same file, same power-on: resume where it stopped
    }
    FakeFlash f = mcu.flash();
    int slot = recovery ? 0 : 1;
    if (!recovery && (singleSlot(false) || f.pendingTest || f.pendingPermanent || f.revertPending)) {
      throw FakeRequestError.image(ImageMgmtError.NO_FREE_SLOT);
    }
    if (len > f.slotSize) {
      throw FakeRequestError.image(ImageMgmtError.INVALID_IMAGE_TOO_LARGE);
    }
    if (!recovery && body.path("upgrade").asBoolean(false)) {
      ImageVersion incoming = new ImageVersion(h.get(20) & 0xFF, h.get(21) & 0xFF, Short.toUnsignedInt(h.getShort(22)),
          Integer.toUnsignedLong(h.getInt(24)));
      Optional<McubootImage> running = f.image(0);
      if (running.isPresent() && incoming.compareTo(running.get().version()) <= 0) {
        throw FakeRequestError.image(ImageMgmtError.CURRENT_VERSION_IS_NEWER);
      }
    }
    upload = new Upload(slot, len, sha);
    if (!mcu.options().progressiveErase) {
      eraseRange(slot, 0, f.slotSize); // the whole slot now: why the first chunk can take seconds
      upload.erasedTo = f.slotSize;
    }
    return null;
  }

  private void eraseAhead(long end) {
    if (upload.erasedTo >= end) {
      return;
    }
    int page = mcu.flash().pageSize;
    long to = Math.min(mcu.flash().slotSize, (end + page - 1) / page * page);
    eraseRange(upload.slot, (int) upload.erasedTo, (int) to);
    upload.erasedTo = to;
  }

  private void eraseRange(int slot, int from, int to) {
    mcu.flash().erase(slot, from, to);
    int pages = (to - from + mcu.flash().pageSize - 1) / mcu.flash().pageSize;
    mcu.spend(mcu.options().eraseTimePerPage.multipliedBy(pages));
  }

  private Map<String, Object> erase(ObjectNode body) throws FakeRequestError {
    int slot = body.path("slot").asInt(1);
    FakeFlash f = mcu.flash();
    if (slot != 0 && slot != 1 || singleSlot(false) && slot == 1) {
      throw FakeRequestError.image(ImageMgmtError.INVALID_SLOT);
    }
    if (slot == 0 || f.pendingTest || f.pendingPermanent || f.revertPending) {
      throw FakeRequestError.image(ImageMgmtError.IMAGE_SETTING_TEST_TO_ACTIVE_DENIED); // slot in use
    }
    eraseRange(1, 0, f.slotSize);
    upload = null;
    return Map.of();
  }

  private Map<String, Object> slotInfo() {
    List<Object> slots = new ArrayList<>();
    for (int s = 0; s < 2; s++) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("slot", s);
      e.put("size", mcu.flash().slotSize);
      slots.add(e);
    }
    Map<String, Object> image = new LinkedHashMap<>();
    image.put("image", 0);
    image.put("slots", slots);
    image.put("max_image_size", mcu.flash().slotSize);
    return Map.of("images", List.of(image));
  }

  private static byte[] bytes(ObjectNode body, String field) throws FakeRequestError {
    JsonNode n = body.get(field);
    if (n == null) {
      return null;
    }
    if (!n.isBinary()) {
      throw FakeRequestError.smp(McuMgrError.EINVAL);
    }
    try {
      return n.binaryValue();
    } catch (IOException e) {
      throw FakeRequestError.smp(McuMgrError.EINVAL);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
