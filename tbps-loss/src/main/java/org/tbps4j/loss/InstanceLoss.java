package org.tbps4j.loss;

import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code instance}: the instance loss of Dual-Path (Z. Zheng, L. Zheng, M. Garrett, Y. Yang, M. Xu,
 * Y.-D. Shen, "Dual-Path Convolutional Image-Text Embeddings with Instance Loss", ACM TOMM 2020,
 * arXiv:1711.05535): one classifier shared by both paths, plain softmax cross-entropy over the
 * person classes.
 *
 * <p>{@code L = w_img · CE(XW + b, y) + w_txt · CE(TW + b, y)}, CE the mean softmax cross-entropy
 * over the batch. Inputs: raw {@code X [N,D]}, {@code T [N,D]}, class indices {@code y [N]} in
 * {@code 0..C-1}, {@code W [D,C]}, {@code b [C]} (both required). No normalisation. Parts: {@code
 * image} and {@code text}, the two unweighted CE terms.
 *
 * <p>Parameters: {@code image_weight} (default 1) and {@code text_weight} (default 1), both ≥ 0 —
 * an addition to the paper (docs/losses.md) so Dual-Path's stage-II weighting (image 1, text 0.5)
 * can be expressed inside one mix entry; with the defaults the loss is exactly the paper's sum.
 */
public final class InstanceLoss extends BaseLoss {
  /** Registry name. */
  public static final String NAME = "instance";

  static final List<String> KEYS = List.of("image_weight", "text_weight");

  private final double imageWeight;
  private final double textWeight;

  /** The loss with both paths weighted 1. */
  public InstanceLoss() {
    this(1.0, 1.0);
  }

  /**
   * The loss with per-path weights.
   *
   * @param imageWeight weight of the image-path CE, finite ≥ 0
   * @param textWeight weight of the text-path CE, finite ≥ 0
   * @throws IllegalArgumentException for a negative or non-finite weight
   */
  public InstanceLoss(double imageWeight, double textWeight) {
    super(NAME, List.of(LossNames.IMAGE, LossNames.TEXT));
    this.imageWeight = Params.nonNegative(NAME, "image_weight", imageWeight);
    this.textWeight = Params.nonNegative(NAME, "text_weight", textWeight);
  }

  static InstanceLoss from(Map<String, ?> values) {
    Params p = new Params(NAME, values, KEYS);
    return new InstanceLoss(p.real("image_weight", 1.0), p.real("text_weight", 1.0));
  }

  @Override
  public Map<String, Object> parameters() {
    return ordered("image_weight", imageWeight, "text_weight", textWeight);
  }

  @Override
  public boolean usesClassifier() {
    return true;
  }

  @Override
  Map<String, INDArray> parameterArrays(DataType dt) {
    return scalars(dt, "image_weight", imageWeight, "text_weight", textWeight);
  }

  @Override
  Graph build(LossInputs in, Map<String, SDVariable> p) {
    SameDiff sd = in.sameDiff();
    SDVariable w = in.requireClassWeights(NAME);
    SDVariable b = in.requireClassBias(NAME);
    SDVariable oneHot = in.classOneHot(NAME);
    SDVariable image = in.crossEntropy(sd.mmul(in.image(), w).add(b), oneHot);
    SDVariable text = in.crossEntropy(sd.mmul(in.text(), w).add(b), oneHot);
    SDVariable total = image.mul(p.get("image_weight")).add(text.mul(p.get("text_weight")));
    return new Graph(total, parts(LossNames.IMAGE, image, LossNames.TEXT, text));
  }

  @Override
  public LossValue compute(LossArrays a) {
    double[][] w = a.requireClassWeights(NAME);
    double[] b = a.requireClassBias(NAME);
    int[] y = a.classIndices(NAME);
    double image = Eager.crossEntropy(affine(a.image(), w, b), y);
    double text = Eager.crossEntropy(affine(a.text(), w, b), y);
    return new LossValue(
        NAME,
        imageWeight * image + textWeight * text,
        values(LossNames.IMAGE, image, LossNames.TEXT, text));
  }

  private static double[][] affine(double[][] x, double[][] w, double[] b) {
    double[][] z = Eager.times(x, w);
    for (double[] row : z) {
      for (int c = 0; c < row.length; c++) {
        row[c] += b[c];
      }
    }
    return z;
  }
}
