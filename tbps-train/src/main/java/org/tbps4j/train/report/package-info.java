/** Self-contained HTML reports of evaluations (metrics, sampled queries, failures, curves). */
package org.tbps4j.train.report;
