package org.tbps4j.model.exec;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.BaseNDArray;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Our array cache for a {@link StepSession}, in place of M2.1's {@code ArrayCacheMemoryMgr}, with
 * the same contract: an output array is taken from the arrays released earlier with the same data
 * type and shape, or else allocated uninitialised; a released array is kept for reuse unless its
 * buffer is shared ({@code useCount > 1}), it holds strings, or the cache is full (a quarter of
 * JavaCPP's {@code maxBytes}, as M2.1's). An array taken from the cache gets a new id, as in M2.1
 * (the executor tracks arrays by id).
 *
 * <p>What differs: it looks up pools by a (type, shape) key instead of a formatted string in a
 * table, keeps no least-recently-used bookkeeping (a full cache closes the array being released
 * instead of the oldest one), serves rank-0 arrays too (M2.1 caches them but never hands them out,
 * ≈ 90 new native scalars per step of our graph), recognises a second release of an array by
 * identity (M2.1 by id, and ids can repeat: see {@link StepMemMgr}), and leaves an array whose
 * buffer is shared to the garbage collector instead of closing it (a live view would otherwise
 * point at freed memory), except the gradients after the update (see {@link #release(INDArray,
 * boolean)}).
 */
final class ArrayPool implements SessionMemMgr {
  private final Map<Key, ArrayDeque<INDArray>> pools = new HashMap<>();
  private final Set<INDArray> pooled = Collections.newSetFromMap(new IdentityHashMap<>());
  private final long maxBytes;
  private long bytes;

  /** A pool capped at a quarter of JavaCPP's {@code maxBytes} (M2.1's default cache size). */
  ArrayPool() {
    this((long) (0.25 * Pointer.maxBytes()));
  }

  /**
   * A pool with a byte cap.
   *
   * @param maxBytes the most bytes kept for reuse
   */
  ArrayPool(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Data type and shape, compared by value. */
  private static final class Key {
    private final DataType type;
    private final long[] shape;
    private final int hash;

    Key(DataType type, long[] shape) {
      this.type = type;
      this.shape = shape;
      this.hash = 31 * type.hashCode() + Arrays.hashCode(shape);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.type == type && Arrays.equals(k.shape, shape);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  private INDArray take(DataType type, long[] shape) {
    ArrayDeque<INDArray> q = pools.get(new Key(type, shape));
    while (q != null && !q.isEmpty()) {
      INDArray a = q.pollFirst();
      pooled.remove(a);
      bytes -= bytesOf(type, shape);
      if (!a.wasClosed()) {
        ((BaseNDArray) a).assignNewId(); // as M2.1: the executor tracks arrays by id
        return a;
      }
    }
    return null;
  }

  @Override
  public INDArray allocate(boolean detached, DataType dataType, long... shape) {
    INDArray a = take(dataType, shape);
    return a != null ? a : Nd4j.createUninitializedDetached(dataType, shape);
  }

  @Override
  public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
    if (descriptor.isEmpty()) {
      INDArray ret = Nd4j.create(descriptor);
      return detached ? ret.detach() : ret;
    }
    long[] shape = descriptor.getShape();
    INDArray a = take(descriptor.dataType(), shape);
    if (a == null) {
      return Nd4j.createUninitializedDetached(descriptor.dataType(), shape);
    }
    if (a.ordering() != descriptor.getOrder()) {
      a.setOrder(descriptor.getOrder()); // as M2.1's cache does
    }
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

  private static long bytesOf(DataType type, long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n * type.width();
  }

  @Override
  public void release(INDArray array) {
    release(array, false);
  }

  /**
   * Keeps an array for reuse.
   *
   * @param array the array, no longer used by the executor
   * @param viewsAreDead true when the caller knows that every other array on the same buffer is
   *     garbage (the gradients after the update: Adam reshapes them into a view for its op), so the
   *     buffer's use count need not be checked
   */
  void release(INDArray array, boolean viewsAreDead) {
    if (pooled.contains(array) || array.wasClosed()) {
      return;
    }
    long b = bytesOf(array.dataType(), array.shape());
    if (array.data() == null
        || array.isEmpty()
        || array.dataType() == DataType.UTF8
        || bytes + b > maxBytes) {
      if (array.closeable()) {
        array.close();
      }
      return;
    }
    if (!viewsAreDead && Nd4j.getExecutioner().useCount(array.data()) > 1) {
      // another array shares the buffer and may still be in use: neither reuse nor close it
      // (M2.1's cache closes it) but leave it to the garbage collector
      return;
    }
    pools
        .computeIfAbsent(new Key(array.dataType(), array.shape()), k -> new ArrayDeque<>())
        .addLast(array);
    pooled.add(array);
    bytes += b;
  }

  /**
   * Bytes held for reuse.
   *
   * @return bytes
   */
  long bytes() {
    return bytes;
  }

  @Override
  public void close() {
    for (ArrayDeque<INDArray> q : pools.values()) {
      for (INDArray a : q) {
        if (a.closeable() && !a.wasClosed()) {
          a.close();
        }
      }
    }
    pools.clear();
    pooled.clear();
    bytes = 0;
  }
}
