package org.tbps4j.examples;

import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.loss.LossArrays;
import org.tbps4j.loss.LossInputs;
import org.tbps4j.loss.LossMix;
import org.tbps4j.loss.LossNames;

/**
 * Example 1: the MAM + PSW objective of the seed paper on your own arrays, using only tbps-loss and
 * ND4J (the dependency snippet is in the README).
 *
 * <ol>
 *   <li>Put your batch in INDArrays: image embeddings {@code [N,D]}, text embeddings {@code [N,D]},
 *       person ids {@code [N]} (here also class indices of a shared classifier {@code W [D,C]}).
 *   <li>Pick the losses by name and weight them in a {@link LossMix}; parameters as in
 *       docs/losses.md.
 *   <li>Compute the value eagerly (float64), or add the same losses to your SameDiff graph, where
 *       {@code loss/total} is what you minimise and every term is a named variable.
 * </ol>
 */
public final class Ex1LossesOnYourArrays {

  /**
   * What the example computes.
   *
   * @param mam the MAM loss (m = 4), eager
   * @param psw the PSW loss, eager
   * @param total {@code mam + psw}, eager
   * @param graphTotal {@code loss/total} evaluated by the SameDiff graph
   * @param imageGradient {@code ∂ loss/total / ∂ image} from the graph, {@code [N,D]}
   */
  public record Result(
      double mam, double psw, double total, double graphTotal, INDArray imageGradient) {}

  private Ex1LossesOnYourArrays() {}

  /** Six samples of three people (ids 0, 1, 2; two each), D = 3. */
  static final double[][] IMAGE = {
    {0.9, 0.1, 0.2},
    {0.7, 0.3, -0.1},
    {-0.2, 1.0, 0.1},
    {0.1, 0.8, 0.4},
    {0.0, -0.3, 1.1},
    {0.3, 0.2, 0.9}
  };

  static final double[][] TEXT = {
    {1.0, 0.2, 0.0},
    {0.5, 0.1, 0.3},
    {0.1, 0.9, -0.2},
    {-0.3, 0.7, 0.2},
    {0.2, 0.1, 1.0},
    {0.4, -0.2, 0.6}
  };

  static final long[] IDS = {0, 0, 1, 1, 2, 2};

  /** A classifier over the three people, columns roughly along the three axes. */
  static final double[][] CLASS_WEIGHTS = {{1.0, 0.1, -0.2}, {0.0, 1.2, 0.1}, {0.2, -0.1, 0.9}};

  /**
   * Runs the example.
   *
   * @return the eager and graph values
   */
  public static Result run() {
    INDArray image = Nd4j.createFromArray(IMAGE);
    INDArray text = Nd4j.createFromArray(TEXT);
    INDArray weights = Nd4j.createFromArray(CLASS_WEIGHTS);

    // 1 + 2: the objective, by name, with the parameters of docs/losses.md
    LossMix mix = LossMix.builder().add("mam", 1.0, Map.of("m", 4)).add("psw", 1.0).build();

    // 3a: eagerly, in float64
    LossArrays arrays =
        LossArrays.builder()
            .setImage(image)
            .setText(text)
            .setIds(IDS)
            .optClassifier(weights, null)
            .build();
    LossMix.Value eager = mix.compute(arrays);

    // 3b: in a SameDiff graph. In a model the embeddings are the outputs of the two paths; here
    // they are trainable variables themselves. Ids arrive per batch through a placeholder.
    SameDiff sd = SameDiff.create();
    SDVariable x = sd.var("image", image);
    SDVariable t = sd.var("text", text);
    SDVariable y = sd.placeHolder("ids", DataType.INT64, -1);
    SDVariable w = sd.var("W", weights);
    LossInputs inputs =
        LossInputs.builder().setImage(x).setText(t).setIds(y).optClassifier(w, null).build();
    LossMix.Variables v = mix.define(sd, inputs);
    sd.setLossVariables(v.total());
    Map<String, INDArray> feed =
        Map.of("image", image, "text", text, "ids", Nd4j.createFromArray(IDS));
    double graphTotal = sd.output(feed, LossNames.TOTAL).get(LossNames.TOTAL).getDouble(0);
    INDArray grad = sd.calculateGradients(feed, "image").get("image");

    return new Result(
        eager.terms().get("mam").value(),
        eager.terms().get("psw").value(),
        eager.total(),
        graphTotal,
        grad);
  }

  /**
   * Prints the values.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Result r = run();
    System.out.printf(
        "mam %.6f + psw %.6f = %.6f (eager); graph loss/total %.6f%n",
        r.mam(), r.psw(), r.total(), r.graphTotal());
    System.out.println("d loss/total / d image =\n" + r.imageGradient());
  }
}
