package io.winnow.crawl;

import java.io.Serializable;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * The crawler's SSRF guard: decides whether an address may be connected to. On by default, it
 * refuses loopback, private (RFC 1918, carrier-grade NAT, IPv6 unique-local), link-local (cloud
 * metadata services live there), multicast, unspecified, broadcast and reserved addresses,
 * including IPv4 addresses hidden inside IPv6 (mapped, compatible, NAT64, 6to4, Teredo) and IPv4
 * written in decimal, octal or hex ({@code 2130706433}, {@code 0177.0.0.1}, {@code 0x7f.1}), which
 * many URL parsers accept. It is applied to every resolved address of every hop.
 */
public final class AddressGuard implements Serializable {
  private static final Set<String> METADATA_HOSTS =
      Set.of("metadata.google.internal", "metadata.goog", "metadata", "instance-data");

  private final boolean allowLoopback;
  private final boolean allowPrivate;
  private final Set<String> allowedEndpoints;

  /**
   * @param allowedEndpoints {@code ip:port} pairs always allowed (e.g. a test server), written as
   *     {@link InetAddress#getHostAddress()} gives them ({@code 127.0.0.1:8080}, {@code [::1]:80})
   */
  public AddressGuard(boolean allowLoopback, boolean allowPrivate, Set<String> allowedEndpoints) {
    this.allowLoopback = allowLoopback;
    this.allowPrivate = allowPrivate;
    this.allowedEndpoints = Set.copyOf(allowedEndpoints);
  }

  public static AddressGuard strict() {
    return new AddressGuard(false, false, Set.of());
  }

  public static String endpoint(InetAddress address, int port) {
    String host = address.getHostAddress();
    return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * Whether some allow-listed endpoint has this address. DNS answers carry no port, so a lookup
   * keeps such an address and the socket check decides with the port.
   */
  public boolean allowsSomePortOf(InetAddress address) {
    String host = endpoint(address, 0);
    String prefix = host.substring(0, host.lastIndexOf(':') + 1);
    return allowedEndpoints.stream().anyMatch(endpoint -> endpoint.startsWith(prefix));
  }

  /** Why {@code address:port} is refused, or null when it is allowed. */
  public String refusal(InetAddress address, int port) {
    if (allowedEndpoints.contains(endpoint(address, port))) {
      return null;
    }
    String category = category(address);
    if (category == null) {
      return null;
    }
    if (category.equals("loopback") && allowLoopback) {
      return null;
    }
    if (category.equals("private") && allowPrivate) {
      return null;
    }
    return address.getHostAddress() + " is a " + category + " address";
  }

  /**
   * Checks a URL's host before any lookup: metadata host names, and hosts that some parsers read as
   * numeric IPv4 in legacy forms. Returns why it is refused, or null.
   */
  public String hostRefusal(String host, int port) {
    String lower = host.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".")) {
      lower = lower.substring(0, lower.length() - 1);
    }
    if (METADATA_HOSTS.contains(lower)) {
      return host + " is a cloud metadata host";
    }
    InetAddress legacy = parseLegacyIpv4(lower);
    if (legacy != null) {
      String refusal = refusal(legacy, port);
      if (refusal != null) {
        return legacy.getHostAddress().equals(lower) ? refusal : host + " reads as " + refusal;
      }
    }
    if (lower.indexOf(':') >= 0) {
      try {
        String refusal = refusal(InetAddress.getByName(lower), port);
        if (refusal != null) {
          return refusal;
        }
      } catch (UnknownHostException e) {
        return "unreadable IPv6 literal " + host;
      }
    }
    return null;
  }

  /** The kind of non-public address this is, or null for a public one. */
  static String category(InetAddress address) {
    if (address instanceof Inet6Address v6) {
      Inet4Address embedded = embeddedIpv4(v6.getAddress());
      if (embedded != null) {
        return category(embedded);
      }
      byte[] b = v6.getAddress();
      if (v6.isLoopbackAddress()) {
        return "loopback";
      } else if (v6.isAnyLocalAddress()) {
        return "unspecified";
      } else if (v6.isLinkLocalAddress() || v6.isSiteLocalAddress()) {
        return "link-local";
      } else if (v6.isMulticastAddress()) {
        return "multicast";
      } else if ((b[0] & 0xfe) == 0xfc) {
        return "private"; // fc00::/7 unique-local, fd00:ec2::254 (a metadata service) among them
      } else if ((b[0] & 0xff) == 0x20
          && (b[1] & 0xff) == 0x01
          && (b[2] & 0xff) == 0x0d
          && (b[3] & 0xff) == 0xb8) {
        return "reserved (documentation)";
      }
      return null;
    }
    byte[] b = address.getAddress();
    int a0 = b[0] & 0xff;
    int a1 = b[1] & 0xff;
    int a2 = b[2] & 0xff;
    if (a0 == 127) {
      return "loopback";
    } else if (a0 == 0) {
      return "unspecified";
    } else if (a0 == 169 && a1 == 254) {
      return (a2 == 169 && (b[3] & 0xff) == 254) ? "cloud metadata (link-local)" : "link-local";
    } else if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
      return "private";
    } else if (a0 == 100 && (a1 & 0xc0) == 64) {
      return "private"; // 100.64.0.0/10 carrier-grade NAT; some clouds serve metadata here
    } else if (a0 >= 224 && a0 <= 239) {
      return "multicast";
    } else if (a0 >= 240) {
      return a0 == 255 && a1 == 255 && a2 == 255 && (b[3] & 0xff) == 255 ? "broadcast" : "reserved";
    } else if (a0 == 192 && a1 == 0 && (a2 == 0 || a2 == 2)) {
      return "reserved";
    } else if (a0 == 198 && (a1 & 0xfe) == 18) {
      return "reserved (benchmarking)";
    } else if ((a0 == 198 && a1 == 51 && a2 == 100) || (a0 == 203 && a1 == 0 && a2 == 113)) {
      return "reserved (documentation)";
    }
    return null;
  }

  /** The IPv4 address inside an IPv6 one (mapped, compatible, NAT64, 6to4, Teredo), or null. */
  static Inet4Address embeddedIpv4(byte[] v6) {
    boolean zero80 = true;
    for (int i = 0; i < 10; i++) {
      zero80 &= v6[i] == 0;
    }
    byte[] v4 = null;
    if (zero80
        && ((v6[10] == (byte) 0xff && v6[11] == (byte) 0xff)
            || (v6[10] == 0
                && v6[11] == 0
                && !(isZero(v6, 12, 15) && (v6[15] == 0 || v6[15] == 1))))) {
      v4 = java.util.Arrays.copyOfRange(v6, 12, 16); // ::ffff:a.b.c.d and ::a.b.c.d
    } else if ((v6[0] & 0xff) == 0x00
        && (v6[1] & 0xff) == 0x64
        && (v6[2] & 0xff) == 0xff
        && (v6[3] & 0xff) == 0x9b
        && isZero(v6, 4, 12)) {
      v4 = java.util.Arrays.copyOfRange(v6, 12, 16); // 64:ff9b::/96 NAT64
    } else if ((v6[0] & 0xff) == 0x20 && (v6[1] & 0xff) == 0x02) {
      v4 = java.util.Arrays.copyOfRange(v6, 2, 6); // 2002::/16 6to4
    } else if ((v6[0] & 0xff) == 0x20 && (v6[1] & 0xff) == 0x01 && v6[2] == 0 && v6[3] == 0) {
      v4 = new byte[4]; // 2001::/32 Teredo: client address stored inverted
      for (int i = 0; i < 4; i++) {
        v4[i] = (byte) ~v6[12 + i];
      }
    }
    if (v4 == null) {
      return null;
    }
    try {
      return (Inet4Address) InetAddress.getByAddress(v4);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean isZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads {@code host} as inet_aton(3) and WHATWG URL parsers do: one to four parts, each decimal,
   * octal (leading 0) or hex (0x), the last filling the remaining bytes. Returns null when the host
   * is not such a number.
   */
  static InetAddress parseLegacyIpv4(String host) {
    if (host.isEmpty() || !host.matches("[0-9a-fx.]+") || !Character.isDigit(host.charAt(0))) {
      return null;
    }
    String[] parts = host.split("\\.", -1);
    if (parts.length > 4) {
      return null;
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      try {
        if (p.startsWith("0x") || p.startsWith("0X")) {
          values[i] = p.length() == 2 ? 0 : Long.parseLong(p.substring(2), 16);
        } else if (p.length() > 1 && p.startsWith("0")) {
          values[i] = Long.parseLong(p.substring(1), 8);
        } else {
          values[i] = Long.parseLong(p);
        }
      } catch (NumberFormatException e) {
        return null;
      }
    }
    long result = 0;
    for (int i = 0; i < values.length - 1; i++) {
      if (values[i] > 255) {
        return null;
      }
      result |= values[i] << (8 * (3 - i));
    }
    long last = values[values.length - 1];
    if (last >= (1L << (8 * (5 - values.length)))) {
      return null;
    }
    result |= last;
    byte[] bytes = {
      (byte) (result >>> 24), (byte) (result >>> 16), (byte) (result >>> 8), (byte) result
    };
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
