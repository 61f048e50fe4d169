package io.winnow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No two of Winnow's packages depend on each other, directly or around a loop: each stage's package
 * can be read, tested and moved without the ones that use it. Dependencies are read from the
 * hand-written sources of every module (imports and qualified names in code, comments left out).
 */
class PackageCyclesTest {

  private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
  private static final Pattern REFERENCE =
      Pattern.compile("\\b(io\\.winnow(?:\\.[a-z]\\w*)+)\\.(?:[A-Z]\\w*|\\*)");
  private static final Pattern COMMENTS =
      Pattern.compile("/\\*.*?\\*/|//[^\\n]*|\"(?:\\\\.|[^\"\\\\])*\"", Pattern.DOTALL);

  @Test
  void packagesFormNoCycle() throws IOException {
    Map<String, Set<String>> dependencies = dependencies(Paths.get("..").toAbsolutePath());
    assertThat(dependencies).containsKeys("io.winnow.pipeline", "io.winnow.schemas");

    List<List<String>> cycles = stronglyConnected(dependencies);

    assertThat(cycles)
        .as("packages that depend on each other, with their edges: %s", edges(cycles, dependencies))
        .isEmpty();
  }

  @Test
  void aCycleIsFound() {
    Map<String, Set<String>> dependencies = new TreeMap<>();
    dependencies.put("a", Set.of("b"));
    dependencies.put("b", Set.of("c"));
    dependencies.put("c", Set.of("a"));
    dependencies.put("d", Set.of("a"));

    assertThat(stronglyConnected(dependencies)).containsExactly(List.of("a", "b", "c"));
  }

  /** Package to the other Winnow packages its main sources refer to. */
  static Map<String, Set<String>> dependencies(Path root) throws IOException {
    Map<String, Set<String>> dependencies = new TreeMap<>();
    List<Path> sources;
    try (Stream<Path> walk = Files.walk(root)) {
      sources =
          walk.filter(p -> p.toString().endsWith(".java"))
              .filter(p -> p.toString().contains("/src/main/java/"))
              .filter(p -> !p.toString().contains("/target/"))
              .toList();
    }
    for (Path source : sources) {
      String text = Files.readString(source, StandardCharsets.UTF_8);
      Matcher declared = PACKAGE.matcher(text);
      if (!declared.find()) {
        continue;
      }
      String own = declared.group(1);
      Set<String> used = dependencies.computeIfAbsent(own, p -> new TreeSet<>());
      Matcher reference = REFERENCE.matcher(COMMENTS.matcher(text).replaceAll(" "));
      while (reference.find()) {
        if (!reference.group(1).equals(own)) {
          used.add(reference.group(1));
        }
      }
    }
    return dependencies;
  }

  /** Tarjan's algorithm: the groups of two or more packages that reach each other, sorted. */
  static List<List<String>> stronglyConnected(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<List<String>> groups = new ArrayList<>();
    for (String start : graph.keySet()) {
      if (!index.containsKey(start)) {
        visit(start, graph, index, low, stack, onStack, groups);
      }
    }
    return groups;
  }

  private static void visit(
      String node,
      Map<String, Set<String>> graph,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> onStack,
      List<List<String>> groups) {
    index.put(node, index.size());
    low.put(node, index.get(node));
    stack.push(node);
    onStack.add(node);
    for (String next : graph.getOrDefault(node, Set.of())) {
      if (!index.containsKey(next)) {
        visit(next, graph, index, low, stack, onStack, groups);
        low.put(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.contains(next)) {
        low.put(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node).equals(index.get(node))) {
      TreeSet<String> group = new TreeSet<>();
      String member;
      do {
        member = stack.pop();
        onStack.remove(member);
        group.add(member);
      } while (!member.equals(node));
      if (group.size() > 1) {
        groups.add(List.copyOf(group));
      }
    }
  }

  private static String edges(List<List<String>> cycles, Map<String, Set<String>> dependencies) {
    StringBuilder out = new StringBuilder();
    for (List<String> cycle : cycles) {
      for (String from : cycle) {
        for (String to : dependencies.get(from)) {
          if (cycle.contains(to)) {
            out.append('\n').append(from).append(" -> ").append(to);
          }
        }
      }
    }
    return out.toString();
  }
}
