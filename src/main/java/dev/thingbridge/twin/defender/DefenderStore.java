package dev.thingbridge.twin.defender;

import java.util.List;
import java.util.Optional;

/** What the Defender service keeps per thing: its last reports, newest last. Called under the twin's lock. */
public interface DefenderStore {
  /** The thing's newest accepted report, if any. */
  Optional<StoredReport> last(String thingName);

  /** Adds an accepted report, keeping at most {@code keep} per thing (the oldest go). */
  void add(StoredReport report, int keep);

  /** The thing's kept reports, oldest first. */
  List<StoredReport> reports(String thingName);

  /** Every thing that has reports. */
  List<String> things();
}
