package io.winnow.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Lists a command's options in {@code --help} under one heading per pipeline stage, in the order of
 * the stages (and of the options in {@link RunOptions}); the command's own options come first.
 */
final class StageHeadings implements IHelpSectionRenderer {
  /** The first option of each stage's group, and its heading. */
  static final Map<String, String> FIRST_OPTION = new LinkedHashMap<>();

  static {
    FIRST_OPTION.put("--runner", "Runner and failure budget");
    FIRST_OPTION.put("--input-format", "Read URL lists");
    FIRST_OPTION.put("--concurrency", "Fetch (politeness, SSRF guard)");
    FIRST_OPTION.put("--block-list", "Domains, opt-outs and known-bad hashes");
    FIRST_OPTION.put("--no-robots", "Consent: robots.txt and opt-out headers");
    FIRST_OPTION.put("--nsfw-threshold", "NSFW and faces");
    FIRST_OPTION.put("--image-size", "Decode and resize");
    FIRST_OPTION.put("--model", "Embed");
    FIRST_OPTION.put("--no-dedup", "Dedup and decontamination");
    FIRST_OPTION.put("--seed-set", "Seed retrieval and balanced sampling");
    FIRST_OPTION.put("--shard-prefix", "Export");
  }

  /** Puts the grouped list in place of picocli's flat one for {@code command}. */
  static void install(CommandLine command) {
    command
        .getHelpSectionMap()
        .put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, new StageHeadings());
  }

  @Override
  public String render(Help help) {
    List<OptionSpec> general = new ArrayList<>();
    Map<String, List<OptionSpec>> groups = new LinkedHashMap<>();
    List<OptionSpec> current = general;
    for (OptionSpec option : help.commandSpec().options()) {
      if (option.hidden()) {
        continue;
      }
      String heading = FIRST_OPTION.get(option.longestName());
      if (heading != null) {
        current = groups.computeIfAbsent(heading, h -> new ArrayList<>());
      }
      (option.usageHelp() || option.versionHelp() ? general : current).add(option);
    }
    StringBuilder out = new StringBuilder(list(help, general));
    groups.forEach(
        (heading, options) ->
            out.append(String.format("%n%s:%n", heading)).append(list(help, options)));
    return out.toString();
  }

  private static String list(Help help, List<OptionSpec> options) {
    return help.optionListExcludingGroups(
        options, help.createDefaultLayout(), null, help.createDefaultParamLabelRenderer());
  }
}
