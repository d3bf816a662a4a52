package dev.thingbridge.mcu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mcu.smp.BootloaderInfo;
import dev.thingbridge.mcu.smp.BootloaderMode;
import dev.thingbridge.mcu.smp.ImageSlot;
import dev.thingbridge.mcu.smp.ImageState;
import dev.thingbridge.mcu.smp.McuParams;
import dev.thingbridge.mcu.smp.SmpError;
import dev.thingbridge.mcu.smp.SmpOp;
import dev.thingbridge.mcu.smp.UploadReply;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The MCUmgr commands the bridge uses, typed, over an {@link SmpClient}: OS group echo (0/0), reset (0/5),
 * params (0/6), OS info (0/7), bootloader info (0/8); image group state read/write (1/0), upload (1/1), erase
 * (1/5). Each takes a timeout and a number of attempts; a device error comes back as {@link
 * McuErrorResponseException} with the decoded {@link SmpError}.
 */
public final class McuMgr {
  public static final int GROUP_OS = 0;
  public static final int GROUP_IMAGE = 1;
  public static final int OS_ECHO = 0;
  public static final int OS_RESET = 5;
  public static final int OS_PARAMS = 6;
  public static final int OS_INFO = 7;
  public static final int OS_BOOTLOADER_INFO = 8;
  public static final int IMAGE_STATE = 0;
  public static final int IMAGE_UPLOAD = 1;
  public static final int IMAGE_ERASE = 5;

  private final SmpClient client;

  public McuMgr(SmpClient client) {
    this.client = client;
  }

  public SmpClient client() {
    return client;
  }

  /** Echo: the device returns {@code text}. */
  public String echo(String text, Duration timeout, int attempts) throws IOException {
    ObjectNode r = ok(client.call(SmpOp.WRITE, GROUP_OS, OS_ECHO, Map.of("d", text), timeout, attempts, "echo"), "echo");
    return text(r, "r", "echo");
  }

  /**
   * Reset. The device answers before it resets.
   *
   * @param force override a veto (EBUSY) by the application
   * @param bootMode {@code null}, or 1 to restart into the bootloader's serial recovery (needs retention support)
   */
  public void reset(boolean force, Integer bootMode, Duration timeout, int attempts) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    if (force) {
      body.put("force", 1);
    }
    if (bootMode != null) {
      body.put("boot_mode", bootMode);
    }
    ok(client.call(SmpOp.WRITE, GROUP_OS, OS_RESET, body, timeout, attempts, "reset"), "reset");
  }

  /** MCUmgr parameters, or empty when the device does not support the command (ENOTSUP). */
  public Optional<McuParams> params(Duration timeout, int attempts) throws IOException {
    SmpClient.SmpReply r = client.call(SmpOp.READ, GROUP_OS, OS_PARAMS, Map.of(), timeout, attempts, "params");
    if (r.error().map(SmpError::isNotSupported).orElse(false)) {
      return Optional.empty();
    }
    ObjectNode body = ok(r, "params");
    return Optional.of(new McuParams(integer(body, "buf_size", "params"), body.path("buf_count").asInt(1)));
  }

  /** OS/application information in {@code format} ({@code s n r v b m p i o a}), or empty if not supported. */
  public Optional<String> osInfo(String format, Duration timeout, int attempts) throws IOException {
    Map<String, Object> body = format == null ? Map.of() : Map.of("format", format);
    SmpClient.SmpReply r = client.call(SmpOp.READ, GROUP_OS, OS_INFO, body, timeout, attempts, "OS info");
    if (r.error().map(SmpError::isNotSupported).orElse(false)) {
      return Optional.empty();
    }
    return Optional.of(text(ok(r, "OS info"), "output", "OS info"));
  }

  /** Bootloader name and MCUboot mode, or empty if the device does not support bootloader info. */
  public Optional<BootloaderInfo> bootloaderInfo(Duration timeout, int attempts) throws IOException {
    SmpClient.SmpReply r = client.call(SmpOp.READ, GROUP_OS, OS_BOOTLOADER_INFO, Map.of(), timeout, attempts,
        "bootloader info");
    if (r.error().map(SmpError::isNotSupported).orElse(false)) {
      return Optional.empty();
    }
    String name = ok(r, "bootloader info").path("bootloader").asText("");
    SmpClient.SmpReply m = client.call(SmpOp.READ, GROUP_OS, OS_BOOTLOADER_INFO, Map.of("query", "mode"), timeout,
        attempts, "bootloader mode");
    if (m.error().isPresent()) {
      return Optional.of(new BootloaderInfo(name, BootloaderMode.UNKNOWN, false));
    }
    ObjectNode mb = m.body();
    return Optional.of(new BootloaderInfo(name, BootloaderMode.of(mb.path("mode").asInt(-1)),
        mb.path("no-downgrade").asBoolean(false)));
  }

  /** Image state read. */
  public ImageState imageState(Duration timeout, int attempts) throws IOException {
    return state(ok(client.call(SmpOp.READ, GROUP_IMAGE, IMAGE_STATE, Map.of(), timeout, attempts, "image state read"),
        "image state read"));
  }

  /** Marks the image with {@code hash} for test at the next reset (state write, {@code confirm: false}). */
  public ImageState test(byte[] hash, Duration timeout, int attempts) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("hash", hash);
    body.put("confirm", false);
    return state(ok(client.call(SmpOp.WRITE, GROUP_IMAGE, IMAGE_STATE, body, timeout, attempts, "image test"),
        "image test"));
  }

  /**
   * Confirms: with {@code hash == null} the running image ("I booted fine"); with the other slot's hash, marks it
   * pending permanent (no rollback).
   */
  public ImageState confirm(byte[] hash, Duration timeout, int attempts) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    if (hash != null) {
      body.put("hash", hash);
    }
    body.put("confirm", true);
    return state(ok(client.call(SmpOp.WRITE, GROUP_IMAGE, IMAGE_STATE, body, timeout, attempts, "image confirm"),
        "image confirm"));
  }

  /** One upload chunk with a body built by the caller ({@code off}, {@code data}; on the first also {@code len}...). */
  public UploadReply upload(Map<String, ?> body, Duration timeout, int attempts, String what) throws IOException {
    ObjectNode r = ok(client.call(SmpOp.WRITE, GROUP_IMAGE, IMAGE_UPLOAD, body, timeout, attempts, what), what);
    JsonNode off = r.get("off");
    if (off == null || !off.canConvertToLong() || off.asLong() < 0) {
      throw new McuProtocolException(what + ": the reply has no offset");
    }
    JsonNode match = r.get("match");
    return new UploadReply(off.asLong(), match != null && match.isBoolean() ? Optional.of(match.asBoolean())
        : Optional.empty());
  }

  /** Erases {@code slot}, or the non-active slot when {@code null}. Synchronous on the device: can take long. */
  public void erase(Integer slot, Duration timeout, int attempts) throws IOException {
    Map<String, Object> body = slot == null ? Map.of() : Map.of("slot", slot);
    ok(client.call(SmpOp.WRITE, GROUP_IMAGE, IMAGE_ERASE, body, timeout, attempts, "image erase"), "image erase");
  }

  private static ObjectNode ok(SmpClient.SmpReply reply, String what) {
    if (reply.error().isPresent()) {
      throw new McuErrorResponseException(what, reply.error().get());
    }
    return reply.body();
  }

  private static String text(ObjectNode body, String field, String what) {
    JsonNode n = body.get(field);
    if (n == null || !n.isTextual()) {
      throw new McuProtocolException(what + ": the reply has no text field '" + field + "'");
    }
    return n.asText();
  }

  private static int integer(ObjectNode body, String field, String what) {
    JsonNode n = body.get(field);
    if (n == null || !n.canConvertToInt()) {
      throw new McuProtocolException(what + ": the reply has no integer field '" + field + "'");
    }
    return n.asInt();
  }

  /**
   * Parses the {@code images} list of a state read or write reply.
   *
   * @throws McuProtocolException if the list or an entry is malformed
   */
  public static ImageState state(ObjectNode body) {
    JsonNode images = body.get("images");
    if (images == null || !images.isArray()) {
      throw new McuProtocolException("image state: the reply has no 'images' list");
    }
    List<ImageSlot> slots = new ArrayList<>();
    for (JsonNode i : images) {
      JsonNode hash = i.get("hash");
      JsonNode slot = i.get("slot");
      if (hash == null || !hash.isBinary() || slot == null || !slot.canConvertToInt()) {
        throw new McuProtocolException("image state: an entry without slot or binary hash: " + i);
      }
      byte[] h;
      try {
        h = hash.binaryValue();
      } catch (IOException e) {
        throw new McuProtocolException("image state: unreadable hash");
      }
      slots.add(new ImageSlot(i.path("image").asInt(0), slot.asInt(), i.path("version").asText(""), h,
          i.path("bootable").asBoolean(false), i.path("pending").asBoolean(false),
          i.path("confirmed").asBoolean(false), i.path("active").asBoolean(false),
          i.path("permanent").asBoolean(false)));
    }
    return new ImageState(slots);
  }
}
