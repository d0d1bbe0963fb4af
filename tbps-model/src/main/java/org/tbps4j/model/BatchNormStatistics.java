package org.tbps4j.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Running statistics of the composed batch-norm layers (SameDiff keeps none itself).
 *
 * <p>Two ways to collect them: {@link #recalibrate} after (or during) training computes the exact
 * pooled mean and variance of every layer's input over a set of batches, one forward pass each in
 * training mode; {@link #updateEma} folds one batch's moments into the running values with a
 * momentum (one forward pass; call it every few steps from the training loop). Image layers are
 * updated only by batches that contain images, text layers only by batches that contain tokens.
 */
public final class BatchNormStatistics {
  private BatchNormStatistics() {}

  /**
   * The batch-norm layers of a graph (prefix of {@code <layer>/runningMean}), in graph order.
   *
   * @param sd the graph
   * @return layer names
   */
  public static List<String> layers(SameDiff sd) {
    List<String> out = new ArrayList<>();
    for (SDVariable v : sd.variables()) {
      String n = v.name();
      if (n.endsWith(GraphNames.BN_RUNNING_MEAN)) {
        out.add(n.substring(0, n.length() - GraphNames.BN_RUNNING_MEAN.length()));
      }
    }
    return out;
  }

  /**
   * Sets every running statistic to the pooled moments of its layer's input over the batches (batch
   * means and variances combined with weights proportional to the batch size: the exact moments of
   * the union when every layer's input is normalised with its batch statistics).
   *
   * @param model the model
   * @param batches placeholder maps ({@link TbpsModel#imageInputs}, {@link TbpsModel#textInputs} or
   *     both), at least one
   * @return number of layers updated
   */
  public static int recalibrate(TbpsModel model, Iterable<Map<String, INDArray>> batches) {
    SameDiff sd = model.sameDiff();
    Map<String, double[]> meanSum = new LinkedHashMap<>();
    Map<String, double[]> squareSum = new LinkedHashMap<>();
    Map<String, Double> weight = new LinkedHashMap<>();
    for (Map<String, INDArray> batch : batches) {
      List<String> layers = layersFedBy(sd, batch);
      if (layers.isEmpty()) {
        continue;
      }
      double n = batchSize(batch);
      Map<String, INDArray> out = sd.output(batch, momentNames(layers));
      for (String layer : layers) {
        double[] m =
            out.get(layer + GraphNames.BN_BATCH_MEAN).castTo(DataType.DOUBLE).data().asDouble();
        double[] v =
            out.get(layer + GraphNames.BN_BATCH_VAR).castTo(DataType.DOUBLE).data().asDouble();
        double[] ms = meanSum.computeIfAbsent(layer, k -> new double[m.length]);
        double[] ss = squareSum.computeIfAbsent(layer, k -> new double[m.length]);
        for (int c = 0; c < m.length; c++) {
          ms[c] += n * m[c];
          ss[c] += n * (v[c] + m[c] * m[c]);
        }
        weight.merge(layer, n, Double::sum);
      }
    }
    for (String layer : meanSum.keySet()) {
      double w = weight.get(layer);
      double[] ms = meanSum.get(layer);
      double[] ss = squareSum.get(layer);
      double[] mean = new double[ms.length];
      double[] var = new double[ms.length];
      for (int c = 0; c < ms.length; c++) {
        mean[c] = ms[c] / w;
        var[c] = Math.max(0, ss[c] / w - mean[c] * mean[c]);
      }
      assign(sd, layer + GraphNames.BN_RUNNING_MEAN, mean);
      assign(sd, layer + GraphNames.BN_RUNNING_VAR, var);
    }
    return meanSum.size();
  }

  /**
   * Moves every running statistic towards one batch's moments: {@code r ← (1 − momentum)·r +
   * momentum·batch}. The variance of a batch is its biased variance.
   *
   * @param model the model
   * @param batch placeholder map (images, tokens or both)
   * @param momentum weight of the batch, in {@code (0, 1]}
   * @return number of layers updated
   */
  public static int updateEma(TbpsModel model, Map<String, INDArray> batch, double momentum) {
    if (!(momentum > 0 && momentum <= 1)) {
      throw new IllegalArgumentException("momentum must be in (0, 1], got " + momentum);
    }
    SameDiff sd = model.sameDiff();
    List<String> layers = layersFedBy(sd, batch);
    if (layers.isEmpty()) {
      return 0;
    }
    Map<String, INDArray> out = sd.output(batch, momentNames(layers));
    for (String layer : layers) {
      for (String[] pair :
          new String[][] {
            {GraphNames.BN_RUNNING_MEAN, GraphNames.BN_BATCH_MEAN},
            {GraphNames.BN_RUNNING_VAR, GraphNames.BN_BATCH_VAR}
          }) {
        INDArray running = sd.getArrForVarName(layer + pair[0]);
        INDArray b = out.get(layer + pair[1]).castTo(running.dataType()).reshape(running.shape());
        running.muli(1 - momentum).addi(b.mul(momentum));
      }
    }
    return layers.size();
  }

  private static void assign(SameDiff sd, String name, double[] values) {
    INDArray arr = sd.getArrForVarName(name);
    arr.assign(
        org.nd4j.linalg.factory.Nd4j.createFromArray(values)
            .castTo(arr.dataType())
            .reshape(arr.shape()));
  }

  private static String[] momentNames(List<String> layers) {
    List<String> names = new ArrayList<>();
    for (String l : layers) {
      names.add(l + GraphNames.BN_BATCH_MEAN);
      names.add(l + GraphNames.BN_BATCH_VAR);
    }
    return names.toArray(new String[0]);
  }

  private static List<String> layersFedBy(SameDiff sd, Map<String, INDArray> batch) {
    boolean images = batch.containsKey(GraphNames.IMAGES);
    boolean text =
        batch.containsKey(GraphNames.TOKENS)
            || batch.containsKey(GraphNames.TOKEN_SLOTS)
            || batch.containsKey(org.tbps4j.model.layers.TokenFeatureHead.FEATURES);
    List<String> out = new ArrayList<>();
    for (String layer : layers(sd)) {
      if ((images && layer.startsWith("image/")) || (text && layer.startsWith("text/"))) {
        out.add(layer);
      }
    }
    return out;
  }

  private static double batchSize(Map<String, INDArray> batch) {
    INDArray a = batch.get(GraphNames.IMAGES);
    if (a == null) {
      a =
          batch.containsKey(GraphNames.TOKENS)
              ? batch.get(GraphNames.TOKENS)
              : batch.containsKey(GraphNames.TOKEN_SLOTS)
                  ? batch.get(GraphNames.TOKEN_SLOTS)
                  : batch.get(org.tbps4j.model.layers.TokenFeatureHead.FEATURES);
    }
    return a.size(0);
  }
}
