/**
 * Training configuration: typed, validated records loaded from YAML or JSON (unknown keys are
 * rejected with the file, line and the valid keys), with {@code --set path=value} overrides.
 */
package org.tbps4j.train.config;
