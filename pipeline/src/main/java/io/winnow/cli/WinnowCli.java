package io.winnow.cli;

import io.winnow.pipeline.RunWinnow;
import io.winnow.schemas.ErrorBudget;
import io.winnow.schemas.RunSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code winnow}: curated image datasets from URL lists. */
@Command(
    name = "winnow",
    mixinStandardHelpOptions = true,
    version = "winnow 0.1.0",
    description =
        "Builds curated image datasets (WebDataset shards, Parquet metadata, a full "
            + "account of every URL) from lists of image URLs, on Apache Beam and Flink.",
    subcommands = {
      RunCommand.class,
      RefreshCommand.class,
      TakedownCommand.class,
      VersionsCommand.class,
      DemoCommand.class,
      ReportCommand.class,
      CommandLine.HelpCommand.class
    })
public final class WinnowCli implements Runnable {
  static final int EXIT_UNBALANCED = 3;

  /** A stage is broken (a model, a native library, a storm of internal errors): not the data. */
  static final int EXIT_SYSTEMIC = 4;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new WinnowCli());
    for (String withRunOptions : List.of("run", "refresh", "demo")) {
      StageHeadings.install(cli.getSubcommands().get(withRunOptions));
    }
    cli.setExecutionExceptionHandler(
        (error, commandLine, parsed) -> {
          PrintWriter err = commandLine.getErr();
          if (error instanceof RunWinnow.UnbalancedRunException unbalanced) {
            err.println("winnow: " + unbalanced.getMessage());
            return EXIT_UNBALANCED;
          }
          String systemic = systemicFailure(error);
          if (systemic != null) {
            err.println("winnow: the job failed: " + systemic);
            return EXIT_SYSTEMIC;
          }
          if (error instanceof io.winnow.inference.ModelException
              || error instanceof io.winnow.crawl.SafetyLists.ListException
              || error instanceof CommandLine.ParameterException) {
            // A configuration problem, found before any URL is fetched: say what, not where.
            err.println("winnow: " + error.getMessage());
            return 2;
          }
          err.println("winnow: " + error.getMessage());
          if (System.getenv("WINNOW_DEBUG") != null) {
            error.printStackTrace(err);
          } else {
            err.println("(set WINNOW_DEBUG=1 for the stack trace)");
          }
          return 1;
        });
    try {
      applyConfigFile(cli, args);
    } catch (Exception e) {
      cli.getErr().println("winnow: " + e.getMessage());
      return 2;
    }
    return cli.execute(args);
  }

  /**
   * The message of a {@link ErrorBudget.SystemicFailure} in {@code error}'s causes, or null. From a
   * remote cluster it arrives as Flink's serialized copy, which keeps the class name in its text.
   */
  public static String systemicFailure(Throwable error) {
    String name = ErrorBudget.SystemicFailure.class.getName();
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ErrorBudget.SystemicFailure) {
        return t.getMessage();
      }
      String text = t.toString();
      int at = text.indexOf(name + ": ");
      if (at >= 0) {
        return text.substring(at + name.length() + 2);
      }
    }
    return null;
  }

  /** Finds {@code --config FILE} before parsing, so its values become the options' defaults. */
  private static void applyConfigFile(CommandLine cli, String[] args) throws Exception {
    if (args.length == 0 || !cli.getSubcommands().containsKey(args[0])) {
      return;
    }
    String config = null;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        config = args[i + 1];
      } else if (args[i].startsWith("--config=")) {
        config = args[i].substring("--config=".length());
      }
    }
    if (config != null) {
      CommandLine sub = cli.getSubcommands().get(args[0]);
      List<CommandLine.Model.OptionSpec> options = new ArrayList<>(sub.getCommandSpec().options());
      options.removeIf(o -> o.longestName().equals("--config") || o.usageHelp() || o.versionHelp());
      sub.setDefaultValueProvider(
          new SettingsDefaults(ConfigFileDefaults.load(Path.of(config), options)));
    }
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Prints the summary as a short table. */
  static void printSummary(PrintWriter out, RunSummary s, Path output) {
    out.printf("%nWrote %s%n", output);
    out.printf("  input     %,d URLs%n", s.input());
    out.printf(
        "  accepted  %,d samples in %,d shard(s), %,d bytes%n",
        s.accepted(), s.shards(), s.bytesWritten());
    out.printf("  rejected  %,d%n", s.rejected());
    for (Map.Entry<String, Map<String, Long>> stage : s.rejectedByReason().entrySet()) {
      for (Map.Entry<String, Long> reason : stage.getValue().entrySet()) {
        out.printf("    %-8s %-26s %,d%n", stage.getKey(), reason.getKey(), reason.getValue());
      }
    }
    out.printf("  balanced  %s (input = accepted + rejected)%n", s.balanced() ? "yes" : "NO");
    out.printf(
        "  time      %.1f s, %.1f accepted images/s%n",
        s.wallSeconds(), s.imagesPerSecond() == null ? 0.0 : s.imagesPerSecond());
    java.nio.file.Path report = output.resolve("report").resolve("index.html");
    if (java.nio.file.Files.isRegularFile(report)) {
      out.printf("  report    %s (and metrics.json)%n", report);
    }
    out.flush();
  }
}
