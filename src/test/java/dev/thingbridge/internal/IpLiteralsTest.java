package dev.thingbridge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IpLiteralsTest {
  @Test
  void ipv4_and_ipv6_literals() {
    for (String ok : new String[] {"0.0.0.0", "10.0.0.1", "255.255.255.255", "::", "::1", "fe80::1", "1:2:3:4:5:6:7:8",
        "1::8", "::ffff:10.0.0.1", "64:ff9b::192.0.2.33", "FD00::2"}) {
      assertThat(IpLiterals.isIp(ok)).as(ok).isTrue();
    }
    for (String bad : new String[] {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "a.b.c.d", "1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:8:9", "1::2::3", ":::", "12345::", "g::1", "::1%eth0", "localhost", "1.2.3.4:80", "\u0663::1",
        "::ffff:10.0.0.256", "1.2.3.4::"}) {
      assertThat(IpLiterals.isIp(bad)).as(bad).isFalse();
    }
  }

  @Test
  void address_and_port() {
    assertThat(IpLiterals.isAddressAndPort("10.0.0.1:8000")).isTrue();
    assertThat(IpLiterals.isAddressAndPort("[fe80::1]:443")).isTrue();
    assertThat(IpLiterals.isAddressAndPort("fe80::1:443")).isFalse();
    assertThat(IpLiterals.isAddressAndPort("fe80::1:443", true)).isTrue();
    for (String bad : new String[] {"10.0.0.1", "10.0.0.1:", "10.0.0.1:65536", ":80", "[10.0.0.1]:80", "host:80",
        "10.0.0.1:-1", "10.0.0.1:+80"}) {
      assertThat(IpLiterals.isAddressAndPort(bad, true)).as(bad).isFalse();
    }
  }
}
