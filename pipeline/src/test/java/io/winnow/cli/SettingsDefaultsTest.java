package io.winnow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.winnow.crawl.FetchSettings;
import io.winnow.decode.DecodeSettings;
import io.winnow.filters.DomainPolicy;
import io.winnow.filters.FilterSettings;
import io.winnow.inference.EmbedSettings;
import io.winnow.pipeline.DedupSettings;
import io.winnow.pipeline.WinnowConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Each default is written once, in a settings record: the CLI uses and shows that one. */
class SettingsDefaultsTest {
  private static RunCommand parsed(String... args) {
    RunCommand run = new RunCommand();
    new CommandLine(run).parseArgs(args);
    return run;
  }

  @Test
  void aRunWithoutOptionsGetsTheSettingsDefaults() {
    WinnowConfig config =
        parsed("-i", "urls.txt", "-o", "out").options.toConfig(List.of("urls.txt"), "out");
    WinnowConfig defaults = WinnowConfig.of(List.of("urls.txt"), "out");

    assertThat(config.fetch().withDomains(DomainPolicy.none())).isEqualTo(FetchSettings.defaults());
    assertThat(config.decode()).isEqualTo(DecodeSettings.defaults());
    assertThat(config.filter()).isEqualTo(FilterSettings.defaults());
    assertThat(config.embed()).isEqualTo(EmbedSettings.defaults());
    assertThat(config.dedup()).isEqualTo(DedupSettings.defaults());
    assertThat(config).isEqualTo(defaults.withFetch(config.fetch()));
  }

  @Test
  void noOptionRestatesADefaultTheSettingsHold() {
    CommandLine cli = new CommandLine(new RunCommand());
    List<String> restated =
        cli.getCommandSpec().options().stream()
            .filter(o -> SettingsDefaults.defaults().containsKey(o.longestName()))
            .filter(o -> o.defaultValue() != null)
            .map(OptionSpec::longestName)
            .toList();
    assertThat(restated).isEmpty();
    assertThat(SettingsDefaults.defaults()).hasSizeGreaterThan(40);
  }

  @Test
  void helpShowsTheDefaultsAsTheConvertersReadThem() {
    StringWriter help = new StringWriter();
    new CommandLine(new RunCommand()).usage(new PrintWriter(help));
    String text = help.toString().replaceAll("\\s+", " ");
    assertThat(text)
        .contains("Requests in flight per worker JVM. Default: 64.")
        .contains("Largest accepted download. Default: 20MB.")
        .contains("Default: 500ms.")
        .contains("Quality of the stored JPEGs. Default: 95.")
        .doesNotContain("${DEFAULT-VALUE}");
    assertThat(new Durations().convert(SettingsDefaults.duration(Duration.ofMinutes(3))))
        .isEqualTo(Duration.ofMinutes(3));
    assertThat(new ByteSizes().convert(SettingsDefaults.bytes(20L << 20))).isEqualTo(20L << 20);
  }

  @Test
  void aConfigFileStillComesFirst() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("winnow", ".yaml");
    java.nio.file.Files.writeString(file, "concurrency: 7\n");
    CommandLine cli = new CommandLine(new RunCommand());
    cli.setDefaultValueProvider(
        new SettingsDefaults(
            ConfigFileDefaults.load(file, List.copyOf(cli.getCommandSpec().options()))));
    cli.parseArgs("-i", "urls.txt", "-o", "out");
    RunCommand run = cli.getCommand();
    assertThat(run.options.fetch.concurrency).isEqualTo(7);
    assertThat(run.options.fetch.perHostConcurrency).isEqualTo(8);
  }
}
