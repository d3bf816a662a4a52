package dev.thingbridge.mcu.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mcu.smp.McuMgrError;
import dev.thingbridge.mcu.smp.OsMgmtError;
import dev.thingbridge.mcu.smp.SmpOp;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OS management (group 0) as Zephyr's {@code os_mgmt} serves it: echo, reset (answered before resetting; {@code
 * boot_mode: 1} restarts into serial recovery), MCUmgr params, OS info and bootloader info. MCUboot's recovery
 * serves echo, reset and (when built with it) params only.
 */
final class FakeOsGroup {
  private final FakeMcu mcu;

  FakeOsGroup(FakeMcu mcu) {
    this.mcu = mcu;
  }

  Map<String, Object> handle(int command, SmpOp op, ObjectNode body, boolean recovery) throws FakeRequestError {
    FakeMcuOptions o = mcu.options();
    switch (command) {
      case 0:
        JsonNode d = body.get("d");
        if (d == null || !d.isTextual()) {
          throw FakeRequestError.smp(McuMgrError.EINVAL);
        }
        mcu.echoed();
        return Map.of("r", d.asText());
      case 5:
        if (op != SmpOp.WRITE) {
          throw FakeRequestError.smp(McuMgrError.EINVAL);
        }
        JsonNode bootMode = body.get("boot_mode");
        mcu.requestReset(bootMode != null && bootMode.asInt() == 1);
        return Map.of();
      case 6:
        if (!o.paramsSupported) {
          throw FakeRequestError.smp(McuMgrError.ENOTSUP);
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("buf_size", o.bufSize);
        params.put("buf_count", o.bufCount);
        return params;
      case 7:
        if (recovery) {
          throw FakeRequestError.smp(McuMgrError.ENOTSUP);
        }
        return Map.of("output", osInfo(body.path("format").asText("s")));
      case 8:
        if (recovery) {
          throw FakeRequestError.smp(McuMgrError.ENOTSUP);
        }
        return bootloaderInfo(body);
      default:
        throw FakeRequestError.smp(McuMgrError.ENOTSUP);
    }
  }

  private String osInfo(String format) throws FakeRequestError {
    FakeMcuOptions o = mcu.options();
    StringBuilder sb = new StringBuilder();
    for (char c : format.toCharArray()) {
      String part = switch (c) {
        case 's' -> o.osName;
        case 'n' -> o.name;
        case 'r' -> "3.7.0";
        case 'v' -> mcu.runningVersion();
        case 'b' -> "Jan  1 2026 00:00:00";
        case 'm' -> "arm";
        case 'p' -> "cortex-m4";
        case 'i' -> "thingbridge_fake";
        case 'o' -> o.osName;
        case 'a' -> o.osName + " " + o.name + " 3.7.0 " + mcu.runningVersion() + " arm cortex-m4 thingbridge_fake";
        default -> throw FakeRequestError.os(OsMgmtError.INVALID_FORMAT);
      };
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(part);
    }
    return sb.toString();
  }

  private Map<String, Object> bootloaderInfo(ObjectNode body) throws FakeRequestError {
    JsonNode query = body.get("query");
    if (query == null) {
      return Map.of("bootloader", "MCUboot");
    }
    if (!"mode".equals(query.asText())) {
      throw FakeRequestError.os(OsMgmtError.QUERY_YIELDS_NO_ANSWER);
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("mode", mcu.options().mode.code());
    if (mcu.options().noDowngrade) {
      r.put("no-downgrade", true);
    }
    return r;
  }
}
