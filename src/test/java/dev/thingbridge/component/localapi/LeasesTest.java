package dev.thingbridge.component.localapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Claims lapse without renewal; after a reconnect every live one gets a full lease more, a lapsed one does not. */
class LeasesTest {
  private static final Duration LEASE = Duration.ofSeconds(6);
  private final AtomicLong now = new AtomicLong();
  private final Leases<String> leases = new Leases<>(now::get);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void a_claim_lapses_unless_renewed_and_another_holder_is_a_conflict_meanwhile() {
    assertThat(leases.claim("reboot", "a", LEASE)).isEmpty();
    assertThat(leases.claim("reboot", "b", LEASE)).contains("a");
    advance(Duration.ofSeconds(5));
    assertThat(leases.claim("reboot", "a", LEASE)).isEmpty();
    advance(Duration.ofSeconds(5));
    assertThat(leases.holder("reboot")).contains("a");
    advance(Duration.ofSeconds(2));
    assertThat(leases.holder("reboot")).isEmpty();
  }

  @Test
  void after_a_reconnect_live_claims_get_a_full_lease_and_lapsed_ones_stay_gone() {
    leases.claim("early", "a", LEASE);
    advance(Duration.ofSeconds(4));
    leases.claim("late", "b", LEASE);
    advance(Duration.ofSeconds(3)); // "early" lapsed at 6 s; "late" runs until 10 s
    leases.extendAll(LEASE); // until 13 s
    advance(Duration.ofSeconds(5)); // 12 s
    assertThat(leases.holder("early")).isEmpty();
    assertThat(leases.holder("late")).contains("b");
    advance(Duration.ofSeconds(2)); // 14 s
    assertThat(leases.holder("late")).isEmpty();
  }
}
