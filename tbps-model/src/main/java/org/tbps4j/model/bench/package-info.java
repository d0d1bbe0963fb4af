/** Model benchmarks (forward and train-step times per preset) and their stand-in loss. */
package org.tbps4j.model.bench;
