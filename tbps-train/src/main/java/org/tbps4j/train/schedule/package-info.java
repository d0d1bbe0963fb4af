/**
 * Learning-rate schedules as ND4J {@code ISchedule}s, saved inside the SameDiff training config.
 */
package org.tbps4j.train.schedule;
