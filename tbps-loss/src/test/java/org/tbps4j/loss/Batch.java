package org.tbps4j.loss;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A test batch as plain arrays, with the two ways to evaluate a loss on it: the eager twin and a
 * SameDiff graph.
 *
 * @param x image embeddings [N][D]
 * @param t text embeddings [N][D]
 * @param ids ids [N]
 * @param w classifier weights [D][C] or null
 * @param b classifier bias [C] or null
 * @param s precomputed similarity [N][N] or null
 */
record Batch(double[][] x, double[][] t, long[] ids, double[][] w, double[] b, double[][] s) {

  Batch(double[][] x, double[][] t, long... ids) {
    this(x, t, ids, null, null, null);
  }

  int n() {
    return ids.length;
  }

  Batch withClassifier(double[][] w, double[] b) {
    return new Batch(x, t, ids, w, b, s);
  }

  Batch withSimilarity(double[][] s) {
    return new Batch(x, t, ids, w, b, s);
  }

  /** Random Gaussian embeddings; class indices/ids as given; classifier with C = max(ids) + 1. */
  static Batch random(long seed, int d, long... ids) {
    Random r = new Random(seed);
    int n = ids.length;
    int c = 0;
    for (long id : ids) {
      c = (int) Math.max(c, id + 1);
    }
    double[][] w = gaussian(r, d, c);
    double[] b = gaussian(r, 1, c)[0];
    return new Batch(gaussian(r, n, d), gaussian(r, n, d), ids.clone(), w, b, null);
  }

  static double[][] gaussian(Random r, int rows, int cols) {
    double[][] a = new double[rows][cols];
    for (double[] row : a) {
      for (int j = 0; j < cols; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return a;
  }

  /** The batch with rows reordered: row i of the result is row perm[i] of this batch. */
  Batch permuted(int[] perm) {
    int n = n();
    double[][] px = new double[n][];
    double[][] pt = new double[n][];
    long[] pid = new long[n];
    double[][] ps = s == null ? null : new double[n][n];
    for (int i = 0; i < n; i++) {
      px[i] = x[perm[i]];
      pt[i] = t[perm[i]];
      pid[i] = ids[perm[i]];
      if (s != null) {
        for (int j = 0; j < n; j++) {
          ps[i][j] = s[perm[i]][perm[j]];
        }
      }
    }
    return new Batch(px, pt, pid, w, b, ps);
  }

  LossArrays arrays(DataType dt) {
    LossArrays.Builder a =
        LossArrays.builder()
            .setImage(Nd4j.createFromArray(x).castTo(dt))
            .setText(Nd4j.createFromArray(t).castTo(dt))
            .setIds(ids);
    if (w != null) {
      a.optClassifier(
          Nd4j.createFromArray(w).castTo(dt),
          b == null ? null : Nd4j.createFromArray(b).castTo(dt));
    }
    if (s != null) {
      a.optSimilarity(Nd4j.createFromArray(s).castTo(dt));
    }
    return a.build();
  }

  LossValue eager(Loss loss) {
    return loss.compute(arrays(DataType.DOUBLE));
  }

  /** A graph whose X, T, W, b, S are trainable variables and ids an INT placeholder. */
  static final class Graph {
    final SameDiff sd = SameDiff.create();
    final LossInputs inputs;
    final Map<String, INDArray> placeholders = new HashMap<>();

    Graph(Batch batch, DataType dt) {
      this(batch, dt, java.util.Set.of());
    }

    /** The inputs named in {@code frozen} ("x", "t") are constants instead of variables. */
    Graph(Batch batch, DataType dt, java.util.Set<String> frozen) {
      INDArray xa = Nd4j.createFromArray(batch.x).castTo(dt);
      INDArray ta = Nd4j.createFromArray(batch.t).castTo(dt);
      SDVariable vx = frozen.contains("x") ? sd.constant("x", xa) : sd.var("x", xa);
      SDVariable vt = frozen.contains("t") ? sd.constant("t", ta) : sd.var("t", ta);
      SDVariable vy = sd.placeHolder("y", DataType.INT, -1);
      placeholders.put("y", Nd4j.createFromArray(batch.ids).castTo(DataType.INT));
      LossInputs.Builder in = LossInputs.builder().setImage(vx).setText(vt).setIds(vy);
      if (batch.w != null) {
        SDVariable vw = sd.var("w", Nd4j.createFromArray(batch.w).castTo(dt));
        SDVariable vb =
            batch.b == null ? null : sd.var("b", Nd4j.createFromArray(batch.b).castTo(dt));
        in.optClassifier(vw, vb);
      }
      if (batch.s != null) {
        in.optSimilarity(sd.var("s", Nd4j.createFromArray(batch.s).castTo(dt)));
      }
      inputs = in.build();
    }

    /** Evaluates the named variables. */
    Map<String, Double> output(String... names) {
      Map<String, INDArray> out = sd.output(placeholders, names);
      Map<String, Double> v = new LinkedHashMap<>();
      for (String n : names) {
        v.put(n, out.get(n).getDouble(0));
      }
      return v;
    }
  }

  /** The graph value of a loss and its parts, keyed like {@link LossValue#parts()}. */
  LossValue graph(Loss loss, DataType dt) {
    Graph g = new Graph(this, dt);
    loss.define(g.sd, g.inputs);
    String[] names = new String[loss.partNames().size() + 1];
    names[0] = LossNames.of(loss.name());
    for (int i = 0; i < loss.partNames().size(); i++) {
      names[i + 1] = LossNames.part(loss.name(), loss.partNames().get(i));
    }
    Map<String, Double> out = g.output(names);
    Map<String, Double> parts = new LinkedHashMap<>();
    for (String p : loss.partNames()) {
      parts.put(p, out.get(LossNames.part(loss.name(), p)));
    }
    return new LossValue(loss.name(), out.get(names[0]), parts);
  }
}
