/**
 * Listeners of the training loop: progress, NaN/Inf guard, metrics history, and the SameDiff-side
 * listener that captures the real value of every loss term (docs/samediff-m2.1.md, note 5).
 */
package org.tbps4j.train.listeners;
