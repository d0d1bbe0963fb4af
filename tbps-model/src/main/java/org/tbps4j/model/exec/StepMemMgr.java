package org.tbps4j.model.exec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;

/**
 * The memory manager of a {@link StepSession}: an array cache (M2.1's {@code ArrayCacheMemoryMgr}
 * or our {@link ArrayPool}), wrapped and made fit for a session that lives across steps.
 *
 * <ul>
 *   <li>With M2.1's cache, arrays without elements or of rank 0 are not handed back: that cache
 *       never serves them again (it skips rank-0 requests), so in a long-lived session they would
 *       pile up in it, about 90 per training step of our graph. They are left to the garbage
 *       collector, as a per-step session leaves its whole cache.
 *   <li>Optionally ({@code recycle}), every array allocated during a step and not released by the
 *       executor by its end goes back to the cache at {@link #endStep()}: the executor never
 *       releases the gradients (they are requested outputs: 86 per step of our graph) nor the
 *       arrays whose release it skips (40–150 per step, among them the second of two arrays that
 *       got the same id, below), so each step would allocate them anew (native allocation and
 *       first-touch page faults) and leave the old ones to the garbage collector.
 *   <li>With M2.1's cache, an array whose id is already in it is not handed back: M2.1 can give two
 *       live arrays the same id ({@code BaseNDArray.assignNewId}, used on every cache hit, takes
 *       the id counter's next value, which the next array constructed gets as well), and the cache
 *       throws on a second release of an id. The executor itself never meets this (its set of
 *       released ids skips the second array, which is then never released: one source of the arrays
 *       above).
 * </ul>
 *
 * With a {@link SectionClock} it also counts the allocations and those that are not served from the
 * cache.
 */
final class StepMemMgr implements SessionMemMgr {
  private final SessionMemMgr inner;
  private final ArrayCacheMemoryMgr stockCache;
  private final ArrayPool ownPool;
  private final Set<INDArray> gradients = Collections.newSetFromMap(new IdentityHashMap<>());
  private final boolean recycle;
  private final SectionClock clock;
  private final Set<INDArray> outstanding = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Set<DataBuffer> cached = Collections.newSetFromMap(new IdentityHashMap<>());
  private long idClashes;

  /**
   * Wraps a cache.
   *
   * @param inner M2.1's array cache of the session
   * @param recycle give back, at the end of each step, what the executor did not release
   * @param clock counts allocations, or null
   */
  StepMemMgr(SessionMemMgr inner, boolean recycle, SectionClock clock) {
    this.inner = inner;
    this.stockCache = inner instanceof ArrayCacheMemoryMgr m ? m : null;
    this.ownPool = inner instanceof ArrayPool p ? p : null;
    this.recycle = recycle;
    this.clock = clock;
  }

  private INDArray track(INDArray a) {
    if (recycle) {
      outstanding.add(a);
    }
    if (clock != null) {
      DataBuffer b = a.data();
      clock.countAllocation(b == null || !cached.remove(b));
    }
    return a;
  }

  @Override
  public INDArray allocate(boolean detached, DataType dataType, long... shape) {
    long t0 = SectionClock.now(clock);
    INDArray a = track(inner.allocate(detached, dataType, shape));
    SectionClock.add(clock, SectionClock.Section.MEMORY, t0);
    return a;
  }

  @Override
  public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
    long t0 = SectionClock.now(clock);
    INDArray a = track(inner.allocate(detached, descriptor));
    SectionClock.add(clock, SectionClock.Section.MEMORY, t0);
    return a;
  }

  @Override
  public INDArray ulike(INDArray arr) {
    return allocate(false, arr.dataType(), arr.shape());
  }

  @Override
  public INDArray dup(INDArray arr) {
    INDArray out = ulike(arr);
    if (!arr.isEmpty()) {
      out.assign(arr);
    }
    return out;
  }

  @Override
  public void release(INDArray array) {
    long t0 = SectionClock.now(clock);
    try {
      releaseNow(array);
    } finally {
      SectionClock.add(clock, SectionClock.Section.MEMORY, t0);
    }
  }

  private void releaseNow(INDArray array) {
    outstanding.remove(array);
    if (stockCache != null && (array.rank() == 0 || array.isEmpty() || array.length() == 0)) {
      return; // never served again by M2.1's cache: leave it to the garbage collector
    }
    if (stockCache != null && stockCache.getLruCache().contains(array.getId())) {
      // another array with this id is in the cache: M2.1 can give two arrays one id (a cache
      // hit takes the counter's next value, which the next new array also gets), and the cache
      // refuses a second release of an id. Leave this one to the garbage collector.
      idClashes++;
      return;
    }
    if (clock != null && array.data() != null) {
      cached.add(array.data());
    }
    inner.release(array);
  }

  /**
   * Marks an array as a gradient the updater has consumed (its only other views are the updater's
   * own, dead after the update), so {@link #endStep()} may reuse it despite them.
   *
   * @param gradient the gradient array
   */
  void gradientUsed(INDArray gradient) {
    if (recycle && ownPool != null) {
      gradients.add(gradient);
    }
  }

  /** Gives back to the cache what was allocated during the step and is still out. */
  void endStep() {
    List<INDArray> left = new ArrayList<>(outstanding);
    outstanding.clear();
    for (INDArray a : left) {
      if (a.wasClosed()) {
        continue;
      }
      if (gradients.contains(a)) {
        long t0 = SectionClock.now(clock);
        if (clock != null && a.data() != null) {
          cached.add(a.data());
        }
        ownPool.release(a, true);
        SectionClock.add(clock, SectionClock.Section.MEMORY, t0);
      } else {
        release(a);
      }
    }
    gradients.clear();
  }

  /**
   * Arrays allocated during the step and not yet released.
   *
   * @return count
   */
  int outstanding() {
    return outstanding.size();
  }

  /**
   * Arrays not given back because another cached array had their id.
   *
   * @return count since creation
   */
  long idClashes() {
    return idClashes;
  }

  @Override
  public void close() {
    inner.close();
  }
}
