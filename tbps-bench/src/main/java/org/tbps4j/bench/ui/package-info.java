/**
 * What the training dashboard's listener costs per step ({@link
 * org.tbps4j.bench.ui.DashboardBenchmark}).
 */
package org.tbps4j.bench.ui;
