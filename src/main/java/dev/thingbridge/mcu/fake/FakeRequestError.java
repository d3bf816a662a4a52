package dev.thingbridge.mcu.fake;

import dev.thingbridge.mcu.smp.ImageMgmtError;
import dev.thingbridge.mcu.smp.McuMgrError;
import dev.thingbridge.mcu.smp.OsMgmtError;

/** A handler's refusal: an SMP-level code, or a group code that v2 sends as {@code err} and v1 translates. */
final class FakeRequestError extends Exception {
  final McuMgrError smp;
  final int group;
  final int groupCode;
  final McuMgrError v1;

  private FakeRequestError(McuMgrError smp, int group, int groupCode, McuMgrError v1) {
    super(smp != null ? smp.name() : "group " + group + " rc " + groupCode, null, false, false);
    this.smp = smp;
    this.group = group;
    this.groupCode = groupCode;
    this.v1 = v1;
  }

  static FakeRequestError smp(McuMgrError code) {
    return new FakeRequestError(code, -1, 0, code);
  }

  static FakeRequestError image(ImageMgmtError code) {
    return new FakeRequestError(null, 1, code.code(), code.toV1());
  }

  static FakeRequestError os(OsMgmtError code) {
    McuMgrError v1 = switch (code) {
      case INVALID_FORMAT -> McuMgrError.EINVAL;
      case QUERY_YIELDS_NO_ANSWER -> McuMgrError.ENOENT;
      default -> McuMgrError.EUNKNOWN;
    };
    return new FakeRequestError(null, 0, code.ordinal(), v1);
  }
}
