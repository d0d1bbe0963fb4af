/**
 * The {@code tbps} command: one picocli subcommand per user-facing job (docs/architecture.md). Exit
 * codes: 0 success, 2 bad usage or input (the message says what and where), 1 internal failure.
 */
package org.tbps4j.cli;
