package org.tbps4j.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/** Adds a log file in a run directory next to the terminal output, for long jobs. */
final class RunLogging implements AutoCloseable {
  private final FileAppender<ILoggingEvent> appender;

  private RunLogging(FileAppender<ILoggingEvent> appender) {
    this.appender = appender;
  }

  /**
   * Starts writing the project's log messages (INFO and up, DEBUG with --verbose) to a file.
   *
   * @param file the log file (appended to)
   * @return a handle that stops the file log when closed
   */
  static RunLogging toFile(Path file) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return new RunLogging(null);
    }
    PatternLayoutEncoder enc = new PatternLayoutEncoder();
    enc.setContext(ctx);
    enc.setPattern("%d{yyyy-MM-dd HH:mm:ss} %-5level %logger{0} - %msg%n");
    enc.start();
    FileAppender<ILoggingEvent> a = new FileAppender<>();
    a.setContext(ctx);
    a.setName("run-file");
    a.setFile(file.toString());
    a.setAppend(true);
    a.setEncoder(enc);
    a.start();
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(a);
    return new RunLogging(a);
  }

  @Override
  public void close() {
    if (appender != null) {
      LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
      ctx.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
      appender.stop();
    }
  }
}
