package io.winnow.crawl;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dns;
import okhttp3.OkHttpClient;

/**
 * The one HTTP client a worker's fetches share: redirects left to the caller (so every hop passes
 * the {@link AddressGuard}), each name's addresses and then the connected socket checked before a
 * byte of the request is sent, and timeouts and pooling from the fetch settings.
 */
final class GuardedClient {
  private GuardedClient() {}

  static OkHttpClient build(FetchSettings settings, AddressGuard guard) {
    return new OkHttpClient.Builder()
        .followRedirects(false)
        .followSslRedirects(false)
        // Servers that close a connection after each response without saying so (HTTP/1.0
        // style) leave dead connections in the pool; OkHttp retries a request that fails on a
        // reused connection on a fresh one, before it counts as one of our tries.
        .retryOnConnectionFailure(true)
        .connectTimeout(settings.connectTimeout())
        .readTimeout(settings.readTimeout())
        .callTimeout(settings.totalTimeout())
        .connectionPool(new ConnectionPool(settings.concurrency(), 2, TimeUnit.MINUTES))
        .dns(new GuardedDns(guard))
        .addNetworkInterceptor(
            chain -> {
              // IP-literal hosts skip DNS, so the connected socket is checked too, before
              // any byte of the request is sent.
              InetSocketAddress remote = chain.connection().route().socketAddress();
              String refusal = guard.refusal(remote.getAddress(), remote.getPort());
              if (refusal != null) {
                throw new BlockedAddressException(refusal);
              }
              okhttp3.Response response = chain.proceed(chain.request());
              if (response.code() == 408 && response.header("Retry-After") == null) {
                // OkHttp sends a 408's request again by itself unless the server asks for
                // a wait; here a 408 is a client error, tried once like every 4xx but 429.
                return response.newBuilder().header("Retry-After", "1").build();
              }
              return response;
            })
        .build();
  }

  /** A refused address; an UnknownHostException so OkHttp passes it through unchanged. */
  static final class BlockedAddressException extends UnknownHostException {
    BlockedAddressException(String message) {
      super(message);
    }
  }

  private static final class GuardedDns implements Dns {
    private final AddressGuard guard;

    GuardedDns(AddressGuard guard) {
      this.guard = guard;
    }

    @Override
    public List<InetAddress> lookup(String hostname) throws UnknownHostException {
      List<InetAddress> allowed = new ArrayList<>();
      String firstRefusal = null;
      for (InetAddress address : Dns.SYSTEM.lookup(hostname)) {
        // The port is unknown here, so an allow-listed endpoint's address passes; the
        // interceptor checks address and port together on the socket.
        String refusal = guard.refusal(address, -1);
        if (refusal == null || guard.allowsSomePortOf(address)) {
          allowed.add(address);
        } else if (firstRefusal == null) {
          firstRefusal = refusal;
        }
      }
      if (allowed.isEmpty()) {
        throw new BlockedAddressException(hostname + " resolves to " + firstRefusal);
      }
      return allowed;
    }
  }
}
