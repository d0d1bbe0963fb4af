package org.tbps4j.eval;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Zero-copy access to the rows of a rank-2 ND4J array of any strides (c order, f order, views),
 * through an NIO view of its native buffer. A row is copied out into a {@code double[]} for
 * ranking.
 */
final class StridedMatrix {
  private final FloatBuffer floats;
  private final DoubleBuffer doubles;
  private final long offset;
  private final long rowStride;
  private final long colStride;
  private final int columns;

  private StridedMatrix(INDArray a) {
    var bytes = a.data().asNio().order(ByteOrder.nativeOrder());
    if (a.dataType() == DataType.FLOAT) {
      floats = bytes.asFloatBuffer();
      doubles = null;
    } else {
      floats = null;
      doubles = bytes.asDoubleBuffer();
    }
    offset = a.offset();
    rowStride = a.stride(0);
    colStride = a.stride(1);
    columns = Math.toIntExact(a.columns());
  }

  /**
   * Wraps a rank-2 array; arrays that are neither FLOAT nor DOUBLE are cast to FLOAT first.
   *
   * @param a the matrix
   * @return a row reader
   */
  static StridedMatrix of(INDArray a) {
    DataType t = a.dataType();
    return new StridedMatrix(
        t == DataType.FLOAT || t == DataType.DOUBLE ? a : a.castTo(DataType.FLOAT));
  }

  /**
   * Copies row {@code q} into {@code dst[0..columns)}.
   *
   * @param q the row
   * @param dst destination of length at least {@code columns}
   */
  void copyRow(int q, double[] dst) {
    int base = Math.toIntExact(offset + q * rowStride);
    int cs = Math.toIntExact(colStride);
    if (floats != null) {
      FloatBuffer f = floats;
      for (int g = 0, i = base; g < columns; g++, i += cs) {
        dst[g] = f.get(i);
      }
    } else {
      DoubleBuffer d = doubles;
      for (int g = 0, i = base; g < columns; g++, i += cs) {
        dst[g] = d.get(i);
      }
    }
  }
}
