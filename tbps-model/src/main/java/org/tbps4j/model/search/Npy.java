package org.tbps4j.model.search;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A strict reader of the {@code .npy} arrays a gallery holds, in Java (the native reader trusts the
 * header, and reads past the data when the file is short): little-endian float32 or float64, C
 * order, a shape whose element count matches the data exactly. Anything else is refused.
 */
final class Npy {
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /**
   * Parses an array.
   *
   * @param bytes the {@code .npy} file
   * @param where "file: entry" for messages
   * @return a FLOAT array in C order
   * @throws IllegalArgumentException naming {@code where} when the bytes are not such an array
   */
  static INDArray read(byte[] bytes, String where) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 10
        || (bytes[0] & 0xFF) != 0x93
        || !new String(bytes, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
      throw bad(where, "not a .npy array (no \\\\x93NUMPY magic)");
    }
    int major = bytes[6];
    long headerLength;
    int start;
    if (major == 1) {
      headerLength = b.getShort(8) & 0xFFFF;
      start = 10;
    } else if ((major == 2 || major == 3) && bytes.length >= 12) {
      headerLength = b.getInt(8) & 0xFFFFFFFFL;
      start = 12;
    } else {
      throw bad(where, ".npy version " + major + " is not supported");
    }
    if (start + headerLength > bytes.length) {
      throw bad(where, "the .npy header is cut short");
    }
    String header = new String(bytes, start, (int) headerLength, StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header);
    Matcher f = FORTRAN.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !f.find() || !s.find()) {
      throw bad(where, "the .npy header lacks descr, fortran_order or shape");
    }
    String descr = d.group(1);
    int itemSize =
        switch (descr) {
          case "<f4" -> 4;
          case "<f8" -> 8;
          default -> throw bad(where, "dtype '" + descr + "' (expected little-endian float32)");
        };
    if (f.group(1).equals("True")) {
      throw bad(where, "Fortran-order arrays are not supported");
    }
    List<Long> dims = new ArrayList<>();
    for (String part : s.group(1).split(",")) {
      String t = part.trim();
      if (t.isEmpty()) {
        continue;
      }
      if (!t.matches("\\d{1,12}")) {
        throw bad(where, "shape (" + s.group(1) + ") is not a tuple of sizes");
      }
      dims.add(Long.parseLong(t));
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    long count = 1;
    for (long x : shape) {
      count = x == 0 ? 0 : (count > (Integer.MAX_VALUE - 8L) / x ? Long.MAX_VALUE : count * x);
    }
    long data = bytes.length - start - headerLength;
    if (count == Long.MAX_VALUE || count * itemSize != data) {
      throw bad(
          where,
          "shape "
              + Arrays.toString(shape)
              + " needs "
              + (count == Long.MAX_VALUE ? "more than 2^31" : String.valueOf(count * itemSize))
              + " bytes of "
              + descr
              + " data, the entry has "
              + data);
    }
    ByteBuffer body =
        ByteBuffer.wrap(bytes, (int) (start + headerLength), (int) data)
            .slice()
            .order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[(int) count];
    if (itemSize == 4) {
      body.asFloatBuffer().get(values);
    } else {
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) body.getDouble(8 * i);
      }
    }
    return Nd4j.create(values, shape, 'c').castTo(DataType.FLOAT);
  }

  private static IllegalArgumentException bad(String where, String what) {
    return new IllegalArgumentException(where + ": " + what);
  }
}
