package io.winnow.models.nsfwjs;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Base64;

/**
 * Reads the browserified JS modules nsfwjs ships its model in: {@code model.min.js} exports a TF.js
 * model.json as a JS object literal, {@code group1-shard1of1.min.js} exports the weights as one
 * base64 string. Only that shape is accepted; anything else fails with what was expected.
 */
final class TfjsModules {
  private static final JsonMapper LENIENT =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
          .enable(JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS)
          .enable(JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS)
          .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
          .build();
  private static final String EXPORTS = ".exports=";

  private TfjsModules() {}

  /** The object literal the module assigns to {@code exports}, as JSON. */
  static JsonNode exportedObject(String module) throws IOException {
    int start = exportStart(module, '{');
    int end = matchingBrace(module, start);
    String literal = minifiedBooleans(module.substring(start, end + 1));
    return LENIENT.readTree(literal);
  }

  /** The base64 string the module assigns to {@code exports}, decoded. */
  static byte[] exportedBase64(String module) {
    int start = exportStart(module, '"');
    int end = module.indexOf('"', start + 1);
    if (end < 0) {
      throw new IllegalArgumentException("unterminated string after " + EXPORTS);
    }
    return Base64.getDecoder().decode(module.substring(start + 1, end));
  }

  private static int exportStart(String module, char opening) {
    for (int at = module.indexOf(EXPORTS); at >= 0; at = module.indexOf(EXPORTS, at + 1)) {
      int value = at + EXPORTS.length();
      if (value < module.length() && module.charAt(value) == opening) {
        return value;
      }
    }
    throw new IllegalArgumentException(
        "no '"
            + EXPORTS
            + opening
            + "' found: not an nsfwjs "
            + "model module (expected a browserified module exporting the model)");
  }

  private static int matchingBrace(String text, int open) {
    int depth = 0;
    boolean inString = false;
    char quote = 0;
    for (int i = open; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          inString = false;
        }
      } else if (c == '"' || c == '\'') {
        inString = true;
        quote = c;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("unbalanced braces in the exported object");
  }

  /** Minifiers write {@code true} as {@code !0} and {@code false} as {@code !1}. */
  static String minifiedBooleans(String literal) {
    StringBuilder out = new StringBuilder(literal.length());
    boolean inString = false;
    char quote = 0;
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (inString) {
        out.append(c);
        if (c == '\\' && i + 1 < literal.length()) {
          out.append(literal.charAt(++i));
        } else if (c == quote) {
          inString = false;
        }
      } else if (c == '"' || c == '\'') {
        inString = true;
        quote = c;
        out.append(c);
      } else if (c == '!'
          && i + 1 < literal.length()
          && (literal.charAt(i + 1) == '0' || literal.charAt(i + 1) == '1')) {
        out.append(literal.charAt(++i) == '0' ? "true" : "false");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
