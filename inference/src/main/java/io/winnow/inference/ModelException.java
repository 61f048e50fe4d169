package io.winnow.inference;

/** A model that cannot be used: missing or changed file, bad descriptor, wrong outputs. */
public final class ModelException extends RuntimeException {
  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
