package org.tbps4j.model.exec;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.EnumMap;
import java.util.Map;

/**
 * CPU time of the calling thread spent in sections of the executor (a profiling aid for {@link
 * FastExecution#profile}): each section is timed from entry to exit, nested sections are included
 * in their parent. With one OpenMP thread every op runs on the calling thread, so the sections add
 * up to the step's CPU time.
 */
public final class SectionClock {
  /** The timed sections. */
  public enum Section {
    /** The whole executor call ({@code AbstractSession.output}) of a step. */
    OUTPUT,
    /** Working out the subgraph to execute ({@code initSubgraph}), inside OUTPUT. */
    SUBGRAPH,
    /** Inputs, output shapes and output arrays of each op ({@code getAndParameterizeOp}). */
    PARAMETERIZE,
    /**
     * Executing each op with its listener calls, array bookkeeping and, for gradients, the updater
     * ({@code TrainingSession.getOutputs}).
     */
    GET_OUTPUTS,
    /** The op itself ({@code doExec}: the native call), inside GET_OUTPUTS. */
    EXEC,
    /** The memory manager's allocations and releases (inside PARAMETERIZE and GET_OUTPUTS). */
    MEMORY,
    /** The updater of each gradient ({@code GradientUpdater.applyUpdater}), inside GET_OUTPUTS. */
    UPDATER,
    /** Inside the listeners' callbacks (not the executor's own listener plumbing). */
    LISTENERS
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Map<Section, long[]> times = new EnumMap<>(Section.class);
  private long allocations;
  private long freshAllocations;

  /** An empty clock. */
  public SectionClock() {
    reset();
  }

  /** Forgets every time and count. */
  public void reset() {
    for (Section s : Section.values()) {
      times.put(s, new long[2]);
    }
    allocations = 0;
    freshAllocations = 0;
  }

  /**
   * Output arrays the executor asked its memory manager for.
   *
   * @return count since the last reset
   */
  public long allocations() {
    return allocations;
  }

  /**
   * Of {@link #allocations()}, those not served from the session's array cache (a new native buffer
   * each).
   *
   * @return count since the last reset
   */
  public long freshAllocations() {
    return freshAllocations;
  }

  void countAllocation(boolean fresh) {
    allocations++;
    if (fresh) {
      freshAllocations++;
    }
  }

  /**
   * CPU nanoseconds spent in a section.
   *
   * @param s the section
   * @return total nanoseconds since the last reset
   */
  public long nanos(Section s) {
    return times.get(s)[0];
  }

  /**
   * How often a section was entered.
   *
   * @param s the section
   * @return entries since the last reset
   */
  public long count(Section s) {
    return times.get(s)[1];
  }

  /**
   * The current thread CPU time, or 0 without a clock.
   *
   * @param clock a clock or null
   * @return nanoseconds
   */
  static long now(SectionClock clock) {
    return clock == null ? 0 : THREADS.getCurrentThreadCpuTime();
  }

  /**
   * Adds the time since {@code t0} to a section.
   *
   * @param clock a clock or null (then nothing happens)
   * @param s the section
   * @param t0 the entry time from {@link #now}
   */
  static void add(SectionClock clock, Section s, long t0) {
    if (clock != null) {
      long[] v = clock.times.get(s);
      v[0] += THREADS.getCurrentThreadCpuTime() - t0;
      v[1]++;
    }
  }
}
