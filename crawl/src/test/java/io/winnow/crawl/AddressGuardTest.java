package io.winnow.crawl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressGuardTest {
  private final AddressGuard strict = AddressGuard.strict();

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, loopback",
    "127.255.0.9, loopback",
    "::1, loopback",
    "10.1.2.3, private",
    "172.16.0.1, private",
    "172.31.255.255, private",
    "192.168.1.1, private",
    "100.64.0.1, private",
    "fd00:ec2::254, private",
    "169.254.169.254, cloud metadata",
    "169.254.1.1, link-local",
    "fe80::1, link-local",
    "224.0.0.1, multicast",
    "ff02::1, multicast",
    "0.0.0.0, unspecified",
    ":: , unspecified",
    "255.255.255.255, broadcast",
    "240.0.0.1, reserved",
    "198.18.0.1, benchmarking",
    "::ffff:127.0.0.1, loopback",
    "::ffff:169.254.169.254, cloud metadata",
    "64:ff9b::a9fe:a9fe, cloud metadata",
    "2002:7f00:0001::1, loopback",
    "::7f00:1, loopback"
  })
  void refusesNonPublicAddresses(String address, String category) throws Exception {
    assertThat(strict.refusal(InetAddress.getByName(address.strip()), 80)).contains(category);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "93.184.215.14",
        "8.8.8.8",
        "172.32.0.1",
        "100.128.0.1",
        "2606:4700::1111",
        "::ffff:8.8.8.8"
      })
  void allowsPublicAddresses(String address) throws Exception {
    assertThat(strict.refusal(InetAddress.getByName(address), 443)).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2130706433",
        "0177.0.0.1",
        "0x7f.1",
        "0x7f000001",
        "127.1",
        "017700000001",
        "0251.0376.0251.0376",
        "metadata.google.internal",
        "METADATA.google.internal.",
        "::ffff:7f00:1",
        "[::1]"
      })
  void refusesHostsThatReadAsForbiddenAddresses(String host) {
    String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    assertThat(strict.hostRefusal(literal, 80)).isNotNull();
  }

  @Test
  void readsLegacyIpv4FormsAsInetAtonDoes() throws Exception {
    assertThat(AddressGuard.parseLegacyIpv4("2130706433"))
        .isEqualTo(InetAddress.getByName("127.0.0.1"));
    assertThat(AddressGuard.parseLegacyIpv4("0x7f.1"))
        .isEqualTo(InetAddress.getByName("127.0.0.1"));
    assertThat(AddressGuard.parseLegacyIpv4("0300.0250.1.1"))
        .isEqualTo(InetAddress.getByName("192.168.1.1"));
    assertThat(AddressGuard.parseLegacyIpv4("10.65535"))
        .isEqualTo(InetAddress.getByName("10.0.255.255"));
    assertThat(AddressGuard.parseLegacyIpv4("example.com")).isNull();
    assertThat(AddressGuard.parseLegacyIpv4("1.2.3.4.5")).isNull();
    assertThat(AddressGuard.parseLegacyIpv4("256.1.1.1")).isNull();
    assertThat(AddressGuard.parseLegacyIpv4("08.1.1.1")).isNull(); // 8 is no octal digit
  }

  @Test
  void leavesOrdinaryHostNamesToDns() {
    assertThat(strict.hostRefusal("images.example.org", 443)).isNull();
    assertThat(strict.hostRefusal("8.8.8.8", 80)).isNull();
  }

  @Test
  void optionsOpenOnlyWhatTheyName() throws Exception {
    AddressGuard loopbackOk = new AddressGuard(true, false, Set.of());
    assertThat(loopbackOk.refusal(InetAddress.getByName("127.0.0.1"), 80)).isNull();
    assertThat(loopbackOk.refusal(InetAddress.getByName("10.0.0.1"), 80)).contains("private");

    AddressGuard privateOk = new AddressGuard(false, true, Set.of());
    assertThat(privateOk.refusal(InetAddress.getByName("10.0.0.1"), 80)).isNull();
    assertThat(privateOk.refusal(InetAddress.getByName("169.254.169.254"), 80))
        .as("metadata stays refused")
        .isNotNull();

    AddressGuard oneEndpoint = new AddressGuard(false, false, Set.of("127.0.0.1:8080"));
    assertThat(oneEndpoint.refusal(InetAddress.getByName("127.0.0.1"), 8080)).isNull();
    assertThat(oneEndpoint.refusal(InetAddress.getByName("127.0.0.1"), 8081)).isNotNull();
    assertThat(oneEndpoint.allowsSomePortOf(InetAddress.getByName("127.0.0.1"))).isTrue();
    assertThat(oneEndpoint.allowsSomePortOf(InetAddress.getByName("127.0.0.10"))).isFalse();
  }
}
