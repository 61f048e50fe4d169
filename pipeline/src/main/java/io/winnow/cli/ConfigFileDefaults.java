package io.winnow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Maps a YAML or JSON config file onto the command's options: each top-level key is an option's
 * long name without dashes ({@code image-size: 384}; {@code image_size} works too), lists for
 * repeatable options. Flags on the command line win over the file. Unknown keys are an error, so a
 * typo does not go unnoticed.
 */
final class ConfigFileDefaults implements IDefaultValueProvider {
  private final JsonNode root;

  private ConfigFileDefaults(JsonNode root) {
    this.root = root;
  }

  static ConfigFileDefaults load(Path file, List<OptionSpec> options) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("config file not found: " + file);
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    ObjectMapper mapper =
        name.endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
    JsonNode root = mapper.readTree(file.toFile());
    if (root == null || !root.isObject()) {
      throw new IOException(file + ": a config file holds one mapping of option names to values");
    }
    List<String> known = new ArrayList<>();
    options.forEach(option -> known.add(key(option.longestName())));
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String key = key(names.next());
      if (!known.contains(key)) {
        throw new IOException(file + ": unknown option '" + key + "'; known: " + known);
      }
    }
    return new ConfigFileDefaults(root);
  }

  private static String key(String name) {
    return name.replaceFirst("^-+", "").replace('_', '-');
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option)) {
      return null;
    }
    String wanted = key(option.longestName());
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (key(name).equals(wanted)) {
        JsonNode value = root.get(name);
        if (value.isArray()) {
          List<String> items = new ArrayList<>();
          value.forEach(item -> items.add(item.asText()));
          return String.join(",", items);
        }
        return value.asText();
      }
    }
    return null;
  }
}
