package org.tbps4j.text;

/**
 * A file of the text tower (the ONNX graph or {@code tokenizer.json}) is missing, unreadable or not
 * what it should be. The message starts with the file (a path, or a classpath resource and the
 * artifact that carries it).
 *
 * <p>An {@link IllegalArgumentException}: the command line reports it as bad input (exit code 2)
 * without a stack trace.
 */
public class TextModelFileException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The file or resource named in the message. */
  private final String file;

  /**
   * Creates the exception.
   *
   * @param file the file or resource (as the user would recognise it)
   * @param problem what is wrong with it
   */
  public TextModelFileException(String file, String problem) {
    super(file + ": " + problem);
    this.file = file;
  }

  /**
   * Creates the exception with a cause.
   *
   * @param file the file or resource
   * @param problem what is wrong with it
   * @param cause the underlying failure
   */
  public TextModelFileException(String file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  /**
   * The file or resource the problem is in.
   *
   * @return its name as given to the loader
   */
  public String file() {
    return file;
  }
}
