package dev.thingbridge.mcu.fake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mcu.smp.McuMgrError;
import dev.thingbridge.mcu.smp.SmpCbor;
import dev.thingbridge.mcu.smp.SmpFormatException;
import dev.thingbridge.mcu.smp.SmpHeader;
import dev.thingbridge.mcu.smp.SmpMessage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Answers SMP requests as Zephyr's mcumgr (the {@code smp_svr} sample) or MCUboot's serial recovery does: replies
 * in the request's version, v2 group errors as {@code err{group, rc}}, v1 group errors translated to an SMP-level
 * {@code rc}, SMP-level errors always as {@code rc}; anything not served gets {@code rc: 8} (ENOTSUP). MCUboot
 * ignores the version bits, echoes them, and always answers v1-style with an explicit {@code rc}. Replies use
 * indefinite-length maps unless the options ask for definite ones (zcbor's default is non-canonical).
 */
final class FakeSmpServer {
  /** Why no reply is sent: the request caused a power cut. */
  static final class PowerCut extends Exception {
    PowerCut() {
      super("power cut", null, false, false);
    }
  }

  private final FakeMcu mcu;
  private final FakeOsGroup os;
  private final FakeImageGroup image;

  FakeSmpServer(FakeMcu mcu, FakeOsGroup os, FakeImageGroup image) {
    this.mcu = mcu;
    this.os = os;
    this.image = image;
  }

  /** The reply to one request, or {@code null} for none (a response op, or garbage). */
  byte[] handle(SmpMessage request) throws PowerCut {
    SmpHeader h = request.header();
    if (h.op().isResponse()) {
      return null;
    }
    boolean recovery = mcu.inRecovery();
    int version = recovery ? h.version() : Math.min(h.version(), SmpHeader.V2);
    Map<String, Object> reply;
    if (!recovery && h.version() > SmpHeader.V2) {
      reply = rc(McuMgrError.UNSUPPORTED_TOO_NEW);
    } else if (!recovery && h.version() == SmpHeader.V1 && !mcu.options().legacyV1Supported) {
      reply = rc(McuMgrError.UNSUPPORTED_TOO_OLD);
    } else {
      reply = dispatch(h, request, recovery);
    }
    SmpHeader rh = new SmpHeader(version, h.op().response(), 0, 0, h.group(), h.sequence(), h.command());
    return new SmpMessage(rh, SmpCbor.encode(reply, mcu.options().definiteMaps)).toBytes();
  }

  private Map<String, Object> dispatch(SmpHeader h, SmpMessage request, boolean recovery) throws PowerCut {
    ObjectNode body;
    try {
      body = SmpCbor.decode(request.body());
    } catch (SmpFormatException e) {
      return rc(McuMgrError.EINVAL);
    }
    try {
      Map<String, Object> ok = switch (h.group()) {
        case 0 -> os.handle(h.command(), h.op(), body, recovery);
        case 1 -> image.handle(h.command(), h.op(), body, recovery);
        default -> throw FakeRequestError.smp(McuMgrError.ENOTSUP);
      };
      if (recovery && !ok.containsKey("rc")) {
        Map<String, Object> withRc = new LinkedHashMap<>();
        withRc.put("rc", 0);
        withRc.putAll(ok);
        return withRc;
      }
      return ok;
    } catch (FakeRequestError e) {
      if (e.smp != null || recovery || h.version() == SmpHeader.V1) {
        return rc(e.smp != null ? e.smp : e.v1);
      }
      Map<String, Object> err = new LinkedHashMap<>();
      err.put("group", e.group);
      err.put("rc", e.groupCode);
      return Map.of("err", err);
    }
  }

  private static Map<String, Object> rc(McuMgrError code) {
    return Map.of("rc", code.code());
  }
}
