package org.tbps4j.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;

/**
 * The training objective of tbps-model's own tests (gradient checks, save/load and resume, fused
 * versus composed batch-norm, the fast executor, the training smoke test): a fixed, simple loss
 * that reaches every parameter of both paths, the classifier and the ESA head, so that these tests
 * need no other module (tbps-model does not depend on tbps-loss, where the real losses live; see
 * docs/architecture.md). A symmetric contrastive matching term over the batch's cosine matrix plus
 * the instance (shared-classifier) cross-entropy of both paths,
 *
 * <pre>
 *   S = X̂ T̂ᵀ / τ,   L = −mean diag(logsoftmax_rows(S)) − mean diag(logsoftmax_rows(Sᵀ))
 *                      + CE(X W + b, y) + CE(T W + b, y)
 * </pre>
 *
 * with {@code X, T} the raw embeddings, hats the normalised ones, {@code τ = 0.1}; with ESA, plus
 * {@code −mean diag(logsoftmax_rows(S_set/τ))}. Composed from stock ops (one-hot labels, a
 * max-shifted log-softmax: ND4J M2.1's {@code log_softmax} op returns −∞ in float for a logit ~100
 * or more below its row's maximum, and NaN once that meets a zero of the one-hot labels; the
 * raw-embedding classifier logits can spread that far).
 */
public final class MatchingLoss {
  /** Name of the loss variable. */
  public static final String NAME = "loss/matching";

  /** Temperature {@code τ}. */
  public static final double TEMPERATURE = 0.1;

  private MatchingLoss() {}

  /**
   * Adds the loss to the model's graph and marks it as the loss variable.
   *
   * @param model the model
   * @return the scalar loss
   */
  public static SDVariable define(TbpsModel model) {
    SameDiff sd = model.sameDiff();
    SDVariable x = sd.getVariable(GraphNames.IMAGE_EMBEDDING);
    SDVariable t = sd.getVariable(GraphNames.TEXT_EMBEDDING);
    SDVariable xn = sd.getVariable(GraphNames.IMAGE_EMBEDDING_NORMALIZED);
    SDVariable tn = sd.getVariable(GraphNames.TEXT_EMBEDDING_NORMALIZED);
    SDVariable s = sd.mmul(xn, tn, false, true, false).mul(1.0 / TEMPERATURE);
    SDVariable i2t = sd.mean(sd.math().diagPart(logSoftmax(sd, s))).neg();
    SDVariable t2i = sd.mean(sd.math().diagPart(logSoftmax(sd, sd.transpose(s)))).neg();
    SDVariable w = sd.getVariable(GraphNames.CLASSIFIER_W);
    SDVariable b = sd.getVariable(GraphNames.CLASSIFIER_B);
    SDVariable y =
        sd.oneHot(
            sd.getVariable(GraphNames.LABELS),
            model.config().numClasses(),
            -1,
            1.0,
            0.0,
            model.dataType());
    SDVariable ceImage = crossEntropy(sd, sd.mmul(x, w).add(b), y);
    SDVariable ceText = crossEntropy(sd, sd.mmul(t, w).add(b), y);
    SDVariable loss = i2t.add(t2i).add(ceImage).add(ceText);
    if (model.config().esa().enabled()) {
      SDVariable set = sd.getVariable(GraphNames.ESA_SIMILARITY).mul(1.0 / TEMPERATURE);
      loss = loss.sub(sd.mean(sd.math().diagPart(logSoftmax(sd, set))));
    }
    loss = loss.rename(NAME);
    sd.setLossVariables(NAME);
    return loss;
  }

  /** Row-wise {@code z − log Σ exp z} with {@code z = v − max v}; the maximum has no gradient. */
  static SDVariable logSoftmax(SameDiff sd, SDVariable logits) {
    SDVariable max = new StopGradient(sd, sd.max(logits, true, 1)).outputVariable();
    SDVariable z = logits.sub(max);
    return z.sub(sd.math().log(sd.sum(sd.math().exp(z), true, 1)));
  }

  private static SDVariable crossEntropy(SameDiff sd, SDVariable logits, SDVariable oneHot) {
    return sd.mean(sd.sum(logSoftmax(sd, logits).mul(oneHot), 1)).neg();
  }
}
