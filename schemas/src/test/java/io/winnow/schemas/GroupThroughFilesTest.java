package io.winnow.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupThroughFilesTest {
  @TempDir Path dir;

  private static Pipeline pipeline() {
    return Pipeline.create(PipelineOptionsFactory.fromArgs("--targetParallelism=3").create());
  }

  /** Sorted values per key, as text: equal for equal groupings, whatever the order. */
  static final class Describe
      implements SerializableFunction<Iterable<KV<Integer, Iterable<String>>>, Void> {
    private final Map<Integer, List<String>> expected;

    Describe(Map<Integer, List<String>> expected) {
      this.expected = expected;
    }

    @Override
    public Void apply(Iterable<KV<Integer, Iterable<String>>> groups) {
      Map<Integer, List<String>> actual = new TreeMap<>();
      for (KV<Integer, Iterable<String>> group : groups) {
        List<String> values = new ArrayList<>();
        group.getValue().forEach(values::add);
        List<String> again = new ArrayList<>();
        group.getValue().forEach(again::add);
        assertThat(again).as("a group can be read twice").isEqualTo(values);
        values.sort(null);
        assertThat(actual.put(group.getKey(), values)).as("one group per key").isNull();
      }
      assertThat(actual).isEqualTo(expected);
      return null;
    }
  }

  @Test
  void groupsLikeAGroupByKeyWithTheValuesInFiles() throws IOException {
    List<KV<Integer, String>> input = new ArrayList<>();
    Map<Integer, List<String>> expected = new TreeMap<>();
    for (int i = 0; i < 3_000; i++) {
      int key = i % 7 == 0 ? 0 : i % 5; // key 0: a hot key; others spread
      String value = "value-" + i + "-" + "x".repeat(i % 300);
      input.add(KV.of(key, value));
      expected.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    expected.values().forEach(values -> values.sort(null));
    Pipeline p = pipeline();
    PCollection<KV<Integer, Iterable<String>>> grouped =
        p.apply(Create.of(input).withCoder(KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of())))
            .apply(GroupThroughFiles.in(dir.toString()));
    PAssert.that(grouped).satisfies(new Describe(expected));
    p.run().waitUntilFinish();

    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> fragments = files.filter(f -> f.toString().endsWith(".fragment")).toList();
      assertThat(fragments).as("the values went through fragment files").isNotEmpty();
      long bytes = 0;
      for (Path fragment : fragments) {
        bytes += Files.size(fragment);
      }
      long valueBytes = input.stream().mapToLong(kv -> kv.getValue().length()).sum();
      assertThat(bytes).isGreaterThanOrEqualTo(valueBytes);
    }
  }

  @Test
  void groupsSeveralCollectionsAsTheirFlatten() {
    List<KV<Integer, String>> left = new ArrayList<>();
    List<KV<Integer, String>> right = new ArrayList<>();
    Map<Integer, List<String>> expected = new TreeMap<>();
    for (int i = 0; i < 500; i++) {
      KV<Integer, String> kv = KV.of(i % 4, (i % 2 == 0 ? "left-" : "right-") + i);
      (i % 2 == 0 ? left : right).add(kv);
      expected.computeIfAbsent(kv.getKey(), k -> new ArrayList<>()).add(kv.getValue());
    }
    right.add(KV.of(9, "only-right"));
    expected.put(9, new ArrayList<>(List.of("only-right")));
    expected.values().forEach(values -> values.sort(null));
    Pipeline p = pipeline();
    KvCoder<Integer, String> coder = KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of());
    PCollection<KV<Integer, Iterable<String>>> grouped =
        org.apache.beam.sdk.values.PCollectionList.of(
                p.apply("Left", Create.of(left).withCoder(coder)))
            .and(p.apply("Right", Create.of(right).withCoder(coder)))
            .apply(GroupThroughFiles.<Integer, String>in(dir.toString()).ofList());
    PAssert.that(grouped).satisfies(new Describe(expected));
    p.run().waitUntilFinish();
  }

  @Test
  void anEmptyInputGivesNoGroups() {
    Pipeline p = pipeline();
    PCollection<KV<Integer, Iterable<String>>> grouped =
        p.apply(Create.empty(KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of())))
            .apply(GroupThroughFiles.in(dir.toString()));
    PAssert.that(grouped).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void segmentsHoldTheirFramesAndKeysMayBeReadAlone() throws IOException {
    FragmentFiles.Spool<String> spool = new FragmentFiles.Spool<>();
    spool.add("a", "a", new byte[] {1, 2, 3});
    spool.add("b", "b", new byte[] {4});
    spool.add("a", "a", new byte[] {5, 6});
    List<KV<String, GroupThroughFiles.Segment>> segments = spool.writeFragment(dir);
    spool.close();
    assertThat(segments).extracting(KV::getKey).containsExactly("a", "b");
    GroupThroughFiles.Segment a = segments.get(0).getValue();
    assertThat(a.count()).isEqualTo(2);
    assertThat(a.length()).isEqualTo(4 + 3 + 4 + 2);
    List<Integer> firstBytes = new ArrayList<>();
    GroupThroughFiles.frames(a, (frame, in) -> firstBytes.add((int) in.readByte()));
    assertThat(firstBytes).containsExactly(1, 5);
    List<byte[]> values = new ArrayList<>();
    GroupThroughFiles.values(List.of(a), ByteArrayCoder.of()).forEach(values::add);
    assertThat(values).containsExactly(new byte[] {1, 2, 3}, new byte[] {5, 6});

    GroupThroughFiles.Segment damaged =
        new GroupThroughFiles.Segment(a.file(), a.offset(), a.length() + 1, a.count());
    assertThatThrownBy(() -> GroupThroughFiles.frames(damaged, (frame, in) -> {}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not hold");
  }

  @Test
  void aKeyWithoutADeterministicEncodingIsRefused() {
    Pipeline p = pipeline();
    PCollection<KV<Double, String>> input =
        p.apply(
            Create.of(KV.of(1.5, "x"))
                .withCoder(KvCoder.of(DoubleCoder.of(), StringUtf8Coder.of())));
    assertThatThrownBy(() -> input.apply(GroupThroughFiles.in(dir.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deterministic");
  }

  @Test
  void aFolderIsRequired() {
    assertThatThrownBy(() -> GroupThroughFiles.in(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
