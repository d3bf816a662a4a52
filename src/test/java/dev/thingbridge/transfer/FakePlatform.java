package dev.thingbridge.transfer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A platform that records what it is asked and answers as a test sets it up. */
final class FakePlatform implements OtaPlatform {
  final List<String> calls = new CopyOnWriteArrayList<>();
  volatile PlatformImageState state = PlatformImageState.VALID;
  volatile Exception selfTestFailure;
  volatile Duration selfTestTakes = Duration.ZERO;
  volatile Activation activation = Activation.ACTIVE;
  volatile Map<String, String> details = Map.of();

  @Override
  public void checkFile(OtaFile file) throws OtaPlatformException {
    calls.add("check " + file.filepath());
    if (file.filepath().startsWith("/refused")) {
      throw new OtaPlatformException(OtaErrorCode.INVALID_FILE_PATH, "refused by the fake");
    }
  }

  @Override
  public void install(List<VerifiedFile> files, boolean awaitingCommit) {
    calls.add("install " + files.size() + (awaitingCommit ? " awaiting commit" : ""));
  }

  @Override
  public PlatformImageState imageState() {
    return state;
  }

  @Override
  public void setImageState(ImageState s) {
    calls.add("image " + s.kind() + (s.reason() == null ? "" : " " + s.reason().reason()));
    switch (s.kind()) {
      case ACCEPTED -> state = PlatformImageState.VALID;
      case REJECTED, ABORTED -> {
        if (state == PlatformImageState.PENDING_COMMIT) {
          state = PlatformImageState.INVALID;
        }
      }
      default -> { }
    }
  }

  @Override
  public Activation activate(List<VerifiedFile> firmware) {
    calls.add("activate " + firmware.size());
    state = PlatformImageState.PENDING_COMMIT;
    return activation;
  }

  @Override
  public void reset() {
    calls.add("reset");
    if (state == PlatformImageState.PENDING_COMMIT) {
      state = PlatformImageState.INVALID;
    }
  }

  @Override
  public void selfTest(String jobId, Map<String, String> statusDetails) throws Exception {
    calls.add("selftest");
    Thread.sleep(selfTestTakes.toMillis());
    if (selfTestFailure != null) {
      throw selfTestFailure;
    }
  }

  @Override
  public Map<String, String> statusDetails() {
    return details;
  }
}
