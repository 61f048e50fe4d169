package io.winnow.crawl;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import okhttp3.HttpUrl;

/**
 * The one redirect loop of the crawler (images, robots.txt, lists): redirects are followed by hand
 * so that each hop is a request the caller makes and checks itself (address guard, domain policy,
 * robots.txt). A hop's Location is resolved against its URL, without the fragment; a target that is
 * not http(s), a loop and a chain longer than the limit end the walk the caller's way.
 */
final class RedirectWalker {
  private RedirectWalker() {}

  /** One request at {@code url}, the {@code hop}-th redirect target (0: the URL asked for). */
  interface Hop<T> {
    Step<T> at(HttpUrl url, int hop) throws IOException, InterruptedException;
  }

  /** A hop's outcome: a result, or a redirect to {@code location}. */
  record Step<T>(T result, String location) {
    static <T> Step<T> done(T result) {
      return new Step<>(result, null);
    }

    static <T> Step<T> redirect(String location) {
      return new Step<>(null, location);
    }
  }

  /** How a walk ends when the redirects cannot be followed. */
  interface Ends<T> {
    T notHttp(String location) throws IOException;

    T loop(Collection<String> visited, HttpUrl next) throws IOException;

    T tooMany(HttpUrl next) throws IOException;
  }

  static <T> T walk(HttpUrl start, int maxRedirects, Hop<T> hop, Ends<T> ends)
      throws IOException, InterruptedException {
    Set<String> visited = new LinkedHashSet<>();
    visited.add(start.toString());
    HttpUrl current = start;
    for (int n = 0; ; n++) {
      Step<T> step = hop.at(current, n);
      if (step.location() == null) {
        return step.result();
      }
      HttpUrl next = current.resolve(step.location());
      if (next == null) {
        return ends.notHttp(step.location());
      }
      next = next.newBuilder().fragment(null).build();
      if (!visited.add(next.toString())) {
        return ends.loop(visited, next);
      }
      if (n + 1 > maxRedirects) {
        return ends.tooMany(next);
      }
      current = next;
    }
  }
}
