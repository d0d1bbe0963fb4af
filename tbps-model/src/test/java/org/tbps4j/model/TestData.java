package org.tbps4j.model;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** Seeded random inputs for model tests. */
public final class TestData {
  private TestData() {}

  /**
   * Random normal images.
   *
   * @param c config
   * @param n batch
   * @param seed seed
   * @param type data type
   * @return {@code [n, 3, H, W]}
   */
  public static INDArray images(ModelConfig c, int n, long seed, DataType type) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] d = new double[n * 3 * c.imageHeight() * c.imageWidth()];
    for (int i = 0; i < d.length; i++) {
      d[i] = 2 * r.nextDouble() - 1;
    }
    return Nd4j.create(d, new long[] {n, 3, c.imageHeight(), c.imageWidth()}, 'c').castTo(type);
  }

  /**
   * Token rows with random lengths (at least 2), trailing PAD, ids in {@code [1, V)} and every row
   * repeating its first token once (so repeated tokens within and across rows are common).
   *
   * @param c config
   * @param n batch
   * @param seed seed
   * @return INT {@code [n, L]}
   */
  public static INDArray tokens(ModelConfig c, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int len = c.maxLength();
    int[] t = new int[n * len];
    for (int i = 0; i < n; i++) {
      int words = 2 + r.nextInt(len - 1);
      for (int j = 0; j < words; j++) {
        t[i * len + j] = 1 + r.nextInt(c.vocabularySize() - 1);
      }
      t[i * len + words - 1] = t[i * len];
    }
    return Nd4j.createFromArray(t).reshape(n, len);
  }

  /**
   * Labels {@code i mod C}.
   *
   * @param n batch
   * @param classes C
   * @return INT {@code [n]}
   */
  public static INDArray labels(int n, int classes) {
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % classes;
    }
    return Nd4j.createFromArray(y);
  }

  /**
   * Sets an Adam training config with the model's feature/label mapping.
   *
   * @param model the model
   * @param lr learning rate
   */
  public static void train(TbpsModel model, double lr) {
    model.sameDiff().setTrainingConfig(model.trainingConfig(new Adam(lr)).build());
  }

  /**
   * Copies of the current values of some variables.
   *
   * @param model model
   * @param names variable names
   * @return name → copy
   */
  public static Map<String, INDArray> values(TbpsModel model, List<String> names) {
    Map<String, INDArray> m = new java.util.LinkedHashMap<>();
    for (String n : names) {
      m.put(n, model.sameDiff().getArrForVarName(n).dup());
    }
    return m;
  }

  /**
   * How many ops of a native type a graph holds (structure checks of the layer forms).
   *
   * @param sd the graph
   * @param type the op's native name, e.g. {@code onehot}
   * @return the count
   */
  public static long ops(org.nd4j.autodiff.samediff.SameDiff sd, String type) {
    return sd.getOps().values().stream().filter(o -> o.getOp().opName().equals(type)).count();
  }
}
