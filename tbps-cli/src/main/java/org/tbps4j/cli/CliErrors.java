package org.tbps4j.cli;

import java.io.FileNotFoundException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Classifies failures into "bad input" (exit 2) and "internal" (exit 1): by type (argument and
 * file-system errors are the user's), and for {@link IllegalArgumentException} also by where it was
 * raised ({@link #raisedByTbps}).
 */
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
      if (t instanceof IllegalArgumentException) {
        if (raisedByTbps(t)) {
          return t;
        }
        continue; // raised inside a library (ND4J, DataVec, ...): an internal error
      }
      if (t instanceof NoSuchFileException
          || t instanceof FileNotFoundException
          || t instanceof AccessDeniedException
          || t instanceof NotDirectoryException) {
        return t;
      }
    }
    return null;
  }

  /**
   * Whether an exception was raised by this project's code (or the command-line parser), judged by
   * the first stack frame outside the JDK: an {@link IllegalArgumentException} that ND4J, DataVec
   * or another library raises about its own arguments is a bug or a limit of ours, not the user's
   * input. The JDK's own frames are skipped, so {@code Path.of(userText)} failing counts as ours.
   *
   * @param t the exception
   * @return true when the first non-JDK frame is in {@code org.tbps4j} or picocli (or there is
   *     none)
   */
  static boolean raisedByTbps(Throwable t) {
    for (StackTraceElement f : t.getStackTrace()) {
      String c = f.getClassName();
      if (c.startsWith("java.")
          || c.startsWith("javax.")
          || c.startsWith("jdk.")
          || c.startsWith("sun.")
          || c.startsWith("com.sun.")) {
        continue;
      }
      return c.startsWith("org.tbps4j.") || c.startsWith("picocli.");
    }
    return true;
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

  /**
   * One line about running out of memory or stack, with the launcher setting that helps.
   *
   * @param e the error
   * @param maxHeapBytes the JVM's heap limit ({@code Runtime.maxMemory()})
   * @return the message
   */
  public static String resourceAdvice(VirtualMachineError e, long maxHeapBytes) {
    String msg = e.getMessage() == null ? "" : e.getMessage();
    if (e instanceof StackOverflowError) {
      return "stack overflow (deeply nested input?): give threads a larger stack with"
          + " TBPS_JAVA_OPTS=-Xss16m";
    }
    String lower = msg.toLowerCase(java.util.Locale.ROOT);
    boolean nativeMemory =
        lower.contains("physical")
            || lower.contains("pointer")
            || lower.contains("direct buffer")
            || lower.contains("native")
            || lower.contains("cannot allocate");
    if (nativeMemory) {
      return "out of native memory ("
          + msg.replace('\n', ' ')
          + "): raise the cap with TBPS_NATIVE (e.g. TBPS_NATIVE=24G), or use smaller batches or"
          + " images";
    }
    return "out of memory ("
        + (msg.isEmpty() ? "Java heap" : msg)
        + ", heap limit "
        + (maxHeapBytes >> 20)
        + " MiB): give the JVM more heap with TBPS_HEAP (e.g. TBPS_HEAP=12g), or use smaller"
        + " batches or images";
  }
}
