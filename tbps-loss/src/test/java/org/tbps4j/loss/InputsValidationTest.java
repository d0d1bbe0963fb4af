package org.tbps4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Bad inputs give messages that name the array, its shape or entry, and what was expected. */
class InputsValidationTest {
  private static INDArray m(int rows, int cols) {
    return Nd4j.rand(DataType.DOUBLE, rows, cols);
  }

  private static String error(Executable e) {
    return assertThrows(IllegalArgumentException.class, e).getMessage();
  }

  @Test
  void eagerArraysAreChecked() {
    assertEquals(
        "text has shape [3, 5] but image has [3, 4]; both must be [N,D]",
        error(
            () -> LossArrays.builder().setImage(m(3, 4)).setText(m(3, 5)).setIds(1, 2, 3).build()));
    assertEquals(
        "ids has 2 entries but image has N = 3 rows",
        error(() -> LossArrays.builder().setImage(m(3, 4)).setText(m(3, 4)).setIds(1, 2).build()));
    assertEquals(
        "text is required",
        error(() -> LossArrays.builder().setImage(m(3, 4)).setIds(1, 2, 3).build()));
    assertEquals(
        "class_weights has shape [5, 2] but the embeddings have D = 4; expected [D,C], C ≥ 1",
        error(
            () ->
                LossArrays.builder()
                    .setImage(m(3, 4))
                    .setText(m(3, 4))
                    .setIds(0, 1, 1)
                    .optClassifier(m(5, 2), null)
                    .build()));
    assertEquals(
        "class_bias has shape [3] but class_weights has C = 2; expected [C]",
        error(
            () ->
                LossArrays.builder()
                    .setImage(m(3, 4))
                    .setText(m(3, 4))
                    .setIds(0, 1, 1)
                    .optClassifier(m(4, 2), Nd4j.zeros(DataType.DOUBLE, 3))
                    .build()));
    assertEquals(
        "similarity has shape [3, 2] but N = 3; expected [N,N]",
        error(
            () ->
                LossArrays.builder()
                    .setImage(m(3, 4))
                    .setText(m(3, 4))
                    .setIds(0, 1, 1)
                    .optSimilarity(m(3, 2))
                    .build()));
    INDArray nan = m(3, 4);
    nan.putScalar(1, 2, Double.NaN);
    assertEquals(
        "image[1][2] is NaN (not finite)",
        error(() -> LossArrays.builder().setImage(nan).setText(m(3, 4)).setIds(1, 2, 3).build()));
    assertEquals(
        "image must be float32 or float64, got INT",
        error(
            () ->
                LossArrays.builder()
                    .setImage(Nd4j.zeros(DataType.INT, 3, 4))
                    .setText(m(3, 4))
                    .setIds(1, 2, 3)
                    .build()));
    assertEquals(
        "ids[1] = 0.5 is not an integer",
        error(() -> LossArrays.builder().setIds(Nd4j.createFromArray(1.0, 0.5))));
  }

  @Test
  void classifierLossesNeedTheirArraysAndClassIndices() {
    LossArrays noClassifier =
        LossArrays.builder().setImage(m(3, 4)).setText(m(3, 4)).setIds(0, 1, 1).build();
    assertEquals(
        "loss 'cmpc' needs class_weights W [D,C]; none were given",
        error(() -> new CmpcLoss().compute(noClassifier)));
    LossArrays noBias =
        LossArrays.builder()
            .setImage(m(3, 4))
            .setText(m(3, 4))
            .setIds(0, 1, 1)
            .optClassifier(m(4, 2), null)
            .build();
    assertEquals(
        "loss 'instance' needs class_bias b [C]; none was given",
        error(() -> new InstanceLoss().compute(noBias)));
    LossArrays outOfRange =
        LossArrays.builder()
            .setImage(m(3, 4))
            .setText(m(3, 4))
            .setIds(0, 2, 1)
            .optClassifier(m(4, 2), null)
            .build();
    assertEquals(
        "ids[1] = 2 is not a class index in 0..1 (loss 'mam' uses ids as class indices of"
            + " class_weights [D,2])",
        error(() -> new MamLoss(4, 0).compute(outOfRange)));
  }

  @Test
  void graphInputsAreChecked() {
    SameDiff sd = SameDiff.create();
    SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 4);
    SDVariable t = sd.placeHolder("t", DataType.FLOAT, -1, 4);
    SDVariable td = sd.placeHolder("td", DataType.DOUBLE, -1, 4);
    SDVariable t5 = sd.placeHolder("t5", DataType.FLOAT, 3, 5);
    SDVariable y = sd.placeHolder("y", DataType.INT, -1);
    SDVariable yf = sd.placeHolder("yf", DataType.FLOAT, -1);
    assertEquals(
        "LossInputs: text (T [N,D]) is required",
        error(() -> LossInputs.builder().setImage(x).setIds(y).build()));
    assertEquals(
        "text has type DOUBLE but image has FLOAT; they must match",
        error(() -> LossInputs.builder().setImage(x).setText(td).setIds(y).build()));
    assertEquals(
        "ids must have an integer type (INT/LONG), got FLOAT",
        error(() -> LossInputs.builder().setImage(x).setText(t).setIds(yf).build()));
    assertEquals(
        "text has shape [3, 5] but image has [3, 4]; both must be [N,D]",
        error(
            () ->
                LossInputs.builder()
                    .setImage(sd.placeHolder("x3", DataType.FLOAT, 3, 4))
                    .setText(t5)
                    .setIds(y)
                    .build()));
    assertEquals(
        "class_weights has shape [5, 2] but the embeddings have D = 4; expected [D,C]",
        error(
            () ->
                LossInputs.builder()
                    .setImage(x)
                    .setText(t)
                    .setIds(y)
                    .optClassifier(sd.var("w5", DataType.FLOAT, 5, 2), null)
                    .build()));
    LossInputs plain = LossInputs.builder().setImage(x).setText(t).setIds(y).build();
    assertEquals(
        "loss 'mam' needs class_weights W [D,C]; none were given",
        error(() -> new MamLoss(4, 0).define(sd, plain)));
    SameDiff other = SameDiff.create();
    assertEquals(
        "loss 'psw': the inputs belong to another SameDiff graph",
        error(() -> new PswLoss().define(other, plain)));
  }
}
