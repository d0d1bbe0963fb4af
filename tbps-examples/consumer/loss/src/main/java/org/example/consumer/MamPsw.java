package org.example.consumer;

import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.loss.LossArrays;
import org.tbps4j.loss.LossInputs;
import org.tbps4j.loss.LossMix;
import org.tbps4j.loss.LossNames;

/** The MAM + PSW objective on a user's own arrays, eagerly and in a SameDiff graph. */
public final class MamPsw {
  private MamPsw() {}

  /**
   * The values of one batch.
   *
   * @param mam MAM (m = 4), eager float64
   * @param psw PSW, eager float64
   * @param total mam + psw, eager
   * @param graphTotal {@code loss/total} of the same mix in a SameDiff graph (float64)
   */
  public record Values(double mam, double psw, double total, double graphTotal) {}

  /**
   * Computes MAM + PSW for a batch.
   *
   * @param image image embeddings [N,D]
   * @param text text embeddings [N,D]
   * @param ids class indices [N]
   * @param classWeights shared classifier [D,C]
   * @return the values
   */
  public static Values compute(
      double[][] image, double[][] text, long[] ids, double[][] classWeights) {
    LossMix mix = LossMix.builder().add("mam", 1.0, Map.of("m", 4)).add("psw", 1.0).build();
    INDArray x = Nd4j.createFromArray(image);
    INDArray t = Nd4j.createFromArray(text);
    INDArray w = Nd4j.createFromArray(classWeights);
    INDArray y = Nd4j.createFromArray(ids);

    LossMix.Value eager =
        mix.compute(
            LossArrays.builder().setImage(x).setText(t).setIds(ids).optClassifier(w, null).build());

    SameDiff sd = SameDiff.create();
    LossInputs in =
        LossInputs.builder()
            .setImage(sd.constant("image", x))
            .setText(sd.constant("text", t))
            .setIds(sd.constant("ids", y.castTo(DataType.INT64)))
            .optClassifier(sd.constant("W", w), null)
            .build();
    mix.define(sd, in);
    double graph = sd.output(Map.of(), LossNames.TOTAL).get(LossNames.TOTAL).getDouble(0);

    return new Values(
        eager.terms().get("mam").value(), eager.terms().get("psw").value(), eager.total(), graph);
  }
}
