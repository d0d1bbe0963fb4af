package org.tbps4j.cli;

import java.io.FileNotFoundException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Classifies failures into "bad input" (exit 2) and "internal" (exit 1). */
public final class CliErrors {
  /** Exit code for success. */
  public static final int EXIT_OK = 0;

  /** Exit code for an internal failure. */
  public static final int EXIT_INTERNAL = 1;

  /** Exit code for bad usage or bad input. */
  public static final int EXIT_BAD_INPUT = 2;

  private CliErrors() {}

  /**
   * Finds the cause that makes a failure the user's input problem.
   *
   * @param ex the failure
   * @return the bad-input cause, or {@code null} when the failure is internal
   */
  public static Throwable badInputCause(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException
          || t instanceof NoSuchFileException
          || t instanceof FileNotFoundException
          || t instanceof AccessDeniedException
          || t instanceof NotDirectoryException) {
        return t;
      }
    }
    return null;
  }

  /**
   * A one-line description of a failure for the terminal.
   *
   * @param t the failure
   * @return its message, or its type and message for file-system errors
   */
  public static String describe(Throwable t) {
    if (t instanceof NoSuchFileException) {
      return "file not found: " + t.getMessage();
    }
    if (t instanceof AccessDeniedException) {
      return "permission denied: " + t.getMessage();
    }
    if (t instanceof NotDirectoryException) {
      return "not a directory: " + t.getMessage();
    }
    String msg = t.getMessage();
    return msg == null || msg.isBlank() ? t.getClass().getSimpleName() : msg;
  }
}
