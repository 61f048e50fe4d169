package io.winnow.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads "512", "64KB", "20MB", "1GB" (powers of 1024) as a number of bytes. */
final class ByteSizes implements ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    String v = value.strip().toUpperCase(Locale.ROOT).replace("IB", "B");
    long unit = 1;
    if (v.endsWith("KB")) {
      unit = 1L << 10;
    } else if (v.endsWith("MB")) {
      unit = 1L << 20;
    } else if (v.endsWith("GB")) {
      unit = 1L << 30;
    }
    String number = unit == 1 ? v.replace("B", "") : v.substring(0, v.length() - 2);
    try {
      return Math.round(Double.parseDouble(number.strip()) * unit);
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + value + "' is not a size like 20MB");
    }
  }
}
