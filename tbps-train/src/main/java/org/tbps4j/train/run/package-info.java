/**
 * Run directories: atomic checkpoints with retention, provenance ({@code run.json}), metrics
 * history ({@code metrics.json}).
 */
package org.tbps4j.train.run;
