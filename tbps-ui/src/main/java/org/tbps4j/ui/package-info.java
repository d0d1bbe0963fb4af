/**
 * The training dashboard: SameDiff training turned into Deeplearning4j UI statistics, and the DL4J
 * UI served on the loopback interface.
 *
 * <ul>
 *   <li>{@link org.tbps4j.ui.DashboardListener} — a trainer listener that posts a DL4J
 *       initialisation report once and a stats report per iteration (score = total loss, learning
 *       rate, sampled update:parameter ratios, memory, throughput), a {@link
 *       org.tbps4j.ui.LossTermsReport} per iteration (every loss term), and the SameDiff graph log.
 *   <li>{@link org.tbps4j.ui.RunDashboard} — the files of a run ({@code ui-stats.bin}, {@code
 *       ui-graph.bin}) and the listener that writes them.
 *   <li>{@link org.tbps4j.ui.DashboardServer} — the DL4J UI (train overview/model/system pages,
 *       SameDiff graph page) plus a loss-terms page, on a vert.x HTTP server bound to the address
 *       it is given ({@code 127.0.0.1} by default) instead of the stock all-interfaces server.
 *   <li>{@link org.tbps4j.ui.RunStatsFollower} — serves a finished or still running run's stats
 *       file from another process without locking it.
 * </ul>
 */
package org.tbps4j.ui;
