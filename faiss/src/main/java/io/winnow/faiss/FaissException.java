package io.winnow.faiss;

/** FAISS refused an operation; the message is FAISS's own, after what Winnow was doing. */
public final class FaissException extends RuntimeException {
  public FaissException(String operation, Throwable cause) {
    super(operation + ": " + cause.getMessage(), cause);
  }
}
