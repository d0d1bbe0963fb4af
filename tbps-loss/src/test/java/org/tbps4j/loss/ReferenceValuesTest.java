package org.tbps4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Reference values of every loss on small hand-made batches. The expected numbers were computed
 * independently (src/test/python/loss_reference.py, NumPy, written from docs/losses.md; the ranking
 * and PSW values of case A also by hand, see the comments) and are checked against both the eager
 * twin and the SameDiff graph (float64).
 */
class ReferenceValuesTest {
  private static final double TOL = 1e-9;

  /**
   * Case A: unequal identity groups (id 7 ×3, id 3 ×1, id 9 ×1), raw 2-D embeddings of different
   * norms. Unit vectors: x̂ = (1,0), (.8,.6), (.6,.8), (0,1), (−1,0); t̂ = (.6,.8), (1,0),
   * (.8,−.6), (−.6,.8), (0,−1). Cosine rows: [.6, 1, .8, −.6, 0], [.96, .8, .28, 0, −.6], [1, .6,
   * 0, .28, −.8], [.8, 0, −.6, .8, −1], [−.6, −1, −.8, .6, 0].
   */
  static final Batch A =
      new Batch(
          new double[][] {{2.0, 0.0}, {0.8, 0.6}, {0.3, 0.4}, {0.0, 1.5}, {-1.0, 0.0}},
          new double[][] {{0.6, 0.8}, {1.0, 0.0}, {0.8, -0.6}, {-0.6, 0.8}, {0.0, -2.0}},
          7,
          7,
          7,
          3,
          9);

  /** Case B: a single identity, so no anchor has a negative. */
  static final Batch B =
      new Batch(
          new double[][] {{1.0, 0.0}, {0.0, 2.0}, {1.0, 1.0}},
          new double[][] {{0.0, 1.0}, {3.0, 0.0}, {-1.0, 1.0}},
          4,
          4,
          4);

  /** Case C: classifier losses, C = 3, class indices 0, 2, 2, 1. */
  static final Batch C =
      new Batch(
              new double[][] {{1.0, 0.5}, {-0.5, 1.0}, {0.2, -1.0}, {2.0, 2.0}},
              new double[][] {{0.8, 0.1}, {-1.0, 0.8}, {0.5, -0.5}, {1.0, 3.0}},
              0,
              2,
              2,
              1)
          .withClassifier(
              new double[][] {{1.0, -0.5, 0.3}, {0.2, 1.0, -0.8}}, new double[] {0.1, -0.2, 0.05});

  /** Case C1: the arrays of case C with a single class (index 1) for the whole batch. */
  static final Batch C1 = new Batch(C.x(), C.t(), new long[] {1, 1, 1, 1}, C.w(), C.b(), null);

  /** Case D: a given (ESA-like) similarity replaces the cosine; two identities of two. */
  static final Batch D =
      new Batch(
              new double[][] {{1.0, 0.0}, {0.0, 1.0}, {1.0, 1.0}, {-1.0, 0.5}},
              new double[][] {{1.0, 0.0}, {0.0, 1.0}, {1.0, 1.0}, {-1.0, 0.5}},
              1,
              1,
              2,
              2)
          .withSimilarity(
              new double[][] {
                {0.9, 0.2, -0.1, 0.4},
                {0.3, 0.7, 0.5, 0.0},
                {0.1, 0.6, 0.8, -0.2},
                {0.5, -0.3, 0.1, 0.6}
              });

  /** Asserts total and parts (in part order) for eager and graph. */
  private static void check(Batch batch, Loss loss, double... totalThenParts) {
    for (LossValue v : new LossValue[] {batch.eager(loss), batch.graph(loss, DataType.DOUBLE)}) {
      assertEquals(totalThenParts[0], v.value(), TOL, loss + " total");
      int i = 1;
      for (Map.Entry<String, Double> p : v.parts().entrySet()) {
        if (i < totalThenParts.length) {
          assertEquals(totalThenParts[i], p.getValue(), TOL, loss + " part " + p.getKey());
        }
        i++;
      }
    }
  }

  @Test
  void rankingUnequalGroupsByHand() {
    // image anchors (s_ii, hardest negative): (.6, 0) (.8, 0) (0, .28) (.8, .8) (0, .6)
    // hinge with α=1: .4 .2 1.28 1 1.6 -> mean .896
    // text anchors (column i): (.6, .8) (.8, 0) (0, −.6) (.8, .6) (0, 0) -> 1.2 .2 .4 .8 1 -> .72
    check(A, new RankingLoss(1.0), 0.896 + 0.72, 0.896, 0.72);
    check(A, new RankingLoss(0.2), 0.296 + 0.12, 0.296, 0.12);
  }

  @Test
  void rankingGivenSimilarityAndSingleIdentity() {
    check(D, new RankingLoss(0.2), 0.05, 0.025, 0.025);
    check(B, new RankingLoss(1.0), 0.0, 0.0, 0.0);
  }

  @Test
  void pswUnequalGroupsByHand() {
    // image anchors: ℓ(.6,0)=.182 ℓ(.8,0)=.098 ℓ(0,.28)=.58712 ℓ(.8,.8)=1.01 ℓ(0,.6)=.998 ->
    // .575024
    check(A, new PswLoss(), 0.575024 + 0.7292, 0.575024, 0.7292);
    check(D, new PswLoss(), 0.858, 0.429, 0.429);
    check(B, new PswLoss(), 0.0, 0.0, 0.0);
  }

  @Test
  void pswTermsOfLossesMd() {
    PswLoss psw = new PswLoss();
    assertEquals(0.398, psw.term(0.8, 0.5), 1e-12);
    assertEquals(0.650, psw.term(0.6, 0.6), 1e-12);
    assertEquals(0.050, psw.term(0.9, 0.1), 1e-12);
    assertEquals(1.010, psw.term(0.3, 0.7), 1e-12);
    // with the defaults the polynomial is ≥ 0.0175 on [−1,1]²; a linear one shows the clipping
    PswLoss linear = new PswLoss(0, -1, 0, 0, 1, 0); // s⁻ − s⁺
    assertEquals(0.0, linear.term(0.9, 0.1), 1e-12);
    assertEquals(0.3, linear.term(0.2, 0.5), 1e-12);
  }

  @Test
  void cmpm() {
    check(
        A,
        new CmpmLoss(),
        6.317220279764566 + 6.168256273251631,
        6.317220279764566,
        6.168256273251631);
    check(
        B,
        new CmpmLoss(),
        0.17492203454700483 + 0.2348349981936848,
        0.17492203454700483,
        0.2348349981936848);
  }

  @Test
  void sdm() {
    check(
        A,
        new SdmLoss(0.02),
        6.046038606959966 + 2.2895591700866507,
        6.046038606959966,
        2.2895591700866507);
    check(
        A,
        new SdmLoss(0.5),
        5.583373523427523 + 4.985141083140983,
        5.583373523427523,
        4.985141083140983);
    check(
        B,
        new SdmLoss(0.02),
        0.8675609226018682 + 1.098607706908923,
        0.8675609226018682,
        1.098607706908923);
    check(
        D,
        new SdmLoss(0.1),
        2.5941985786486708 + 2.3819173982250392,
        2.5941985786486708,
        2.3819173982250392);
  }

  @Test
  void asm() {
    check(A, new AsmLoss(0.1, 0.2), 0.4152 + 0.2328, 0.4152, 0.2328);
    check(A, new AsmLoss(0.3, 0.5), 0.984 + 0.808, 0.984, 0.808);
    check(B, new AsmLoss(0.1, 0.2), 0.0, 0.0, 0.0);
    // the margin uses the text embeddings, the scores the given similarity
    check(
        D,
        new AsmLoss(0.1, 0.2),
        0.0947213595499958 + 0.10408738004066423,
        0.0947213595499958,
        0.10408738004066423);
  }

  @Test
  void supportNeighbor() {
    check(
        A,
        new SnLoss(),
        5.40096704725755 + 0.19000210834542425,
        5.40096704725755,
        0.19000210834542425,
        5.33649109521008 + 0.13862984647828236,
        0.6447595204747003 + 0.5137226186714188);
    // K = 2: some anchors have no positive among their 2 nearest, some no negative
    check(
        A,
        new SnLoss(2, 5.0, 0.5, "farthest"),
        0.9951390921630185 + 0.4432718575969859,
        0.9951390921630185,
        0.4432718575969859,
        0.6727593319256683 + 0.1864105482612765,
        0.6447595204747003 + 0.5137226186714188);
    check(
        A,
        new SnLoss(2, 5.0, 0.5, "nearest"),
        0.9059108038021991 + 0.45452320437446225,
        0.9059108038021991,
        0.45452320437446225,
        0.6727593319256683 + 0.1864105482612765,
        0.4663029437530616 + 0.5362253122263715);
    // one identity: no negatives, separation 0, only the squeeze remains
    check(
        B,
        new SnLoss(),
        2 * 0.13029398831540348,
        0.13029398831540348,
        0.13029398831540348,
        0.0,
        2 * 1.3029398831540346);
    check(
        D,
        new SnLoss(2, 10.0, 0.1, "farthest"),
        0.18231240325615422 + 0.16935279418695548,
        0.18231240325615422,
        0.16935279418695548,
        0.11755573930445382 + 0.1045961302352551,
        2 * 0.647566639517004);
  }

  @Test
  void instance() {
    check(
        C,
        new InstanceLoss(),
        1.2673947448432825 + 0.9986986111535587,
        1.2673947448432825,
        0.9986986111535587);
    check(
        C,
        new InstanceLoss(1.0, 0.5),
        1.2673947448432825 + 0.5 * 0.9986986111535587,
        1.2673947448432825,
        0.9986986111535587);
  }

  @Test
  void classifierLossesOnASingleIdentity() {
    check(
        C1,
        new InstanceLoss(),
        1.6823947448432826 + 1.2436986111535586,
        1.6823947448432826,
        1.2436986111535586);
    check(
        C1,
        new CmpcLoss(),
        1.2412911657492105 + 1.2853287564800162,
        1.2412911657492105,
        1.2853287564800162);
    check(
        C1,
        new MamLoss(4, 0),
        4.165843379539362 + 4.344597125357231,
        4.165843379539362,
        4.344597125357231);
  }

  @Test
  void cmpc() {
    check(
        C,
        new CmpcLoss(),
        0.944782335821658 + 1.3946602884694654,
        0.944782335821658,
        1.3946602884694654);
  }

  @Test
  void mam() {
    check(
        C,
        new MamLoss(4, 0),
        3.057340530556575 + 4.942223270820614,
        3.057340530556575,
        4.942223270820614);
    check(
        C,
        new MamLoss(2, 0),
        1.622931647436113 + 2.7070828199883383,
        1.622931647436113,
        2.7070828199883383);
    check(
        C,
        new MamLoss(4, 5.0),
        1.2255427209953667 + 1.9491814405925822,
        1.2255427209953667,
        1.9491814405925822);
    // m = 1: ψ(θ) = cos θ, so MAM is CMPC
    check(
        C,
        new MamLoss(1, 0),
        0.944782335821658 + 1.3946602884694654,
        0.944782335821658,
        1.3946602884694654);
  }

  @Test
  void mamPsiTableOfLossesMd() {
    double[] c = {1, 0.9, 0.7071, 0.5, 0, -0.5, -0.9, -1};
    double[] psi = {1, -0.2312, -1, -1.5, -3, -4.5, -5.7688, -7};
    for (int i = 0; i < c.length; i++) {
      assertEquals(psi[i], MamLoss.psi(4, c[i]), 1e-6, "ψ(" + c[i] + ")");
    }
    // m = 3: T3(c) = 4c³ − 3c; c = 0.9: θ < 60°, k = 0 -> 0.216; c = 0.5: θ = 60° -> −1
    assertEquals(0.216, MamLoss.psi(3, 0.9), 1e-12);
    assertEquals(-1.0, MamLoss.psi(3, 0.5), 1e-12);
    assertEquals(-2.0, MamLoss.psi(3, 0.0), 1e-12);
    assertEquals(-5.0, MamLoss.psi(3, -1.0), 1e-12);
  }

  @Test
  void extremesHaveClosedForms() {
    // identical embeddings, ids 1 1 2 2: every cosine is 1 (to 1e-16)
    double[][] same = {{0.3, -1.2}, {0.3, -1.2}, {0.3, -1.2}, {0.3, -1.2}};
    Batch identical = new Batch(same, same, 1, 1, 2, 2);
    check(identical, new RankingLoss(0.5), 1.0, 0.5, 0.5); // each anchor: 0.5 − 1 + 1
    check(identical, new PswLoss(), 3.06, 1.53, 1.53); // ℓ(1, 1) = 0.2−0.7+0.5+1.8−0.3+0.03
    check(identical, new AsmLoss(0.1, 0.2), 0.2, 0.1, 0.1); // margin m0: captions identical
    // uniform p against q = (½, ½, 0, 0): Σ_j ¼(log ¼ − log(q_j + ε)), the same for CMPM (equal
    // logits) and SDM, per direction
    double uniform =
        0.5 * (Math.log(0.25) - Math.log(0.5 + 1e-8)) + 0.5 * (Math.log(0.25) - Math.log(1e-8));
    check(identical, new SdmLoss(0.02), 2 * uniform, uniform, uniform);
    check(identical, new CmpmLoss(), 2 * uniform, uniform, uniform);

    // orthogonal unit embeddings, all ids different: s_ii = 1, every other s_ij = 0
    double[][] eye = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
    Batch orthogonal = new Batch(eye, eye, 1, 2, 3, 4);
    check(orthogonal, new RankingLoss(0.5), 0.0, 0.0, 0.0); // 0.5 − 1 + 0 < 0
    check(orthogonal, new PswLoss(), 0.06, 0.03, 0.03); // ℓ(1, 0) = 0.2 − 0.7 + 0.5 + 0.03
    check(orthogonal, new AsmLoss(0.1, 0.2), 0.0, 0.0, 0.0); // margin 0.3 − 1 + 0 < 0
    LossValue sdm = orthogonal.eager(new SdmLoss(0.02)); // p ≈ q = one-hot: ≈ 0 (−2e-8 from ε)
    assertEquals(0.0, sdm.value(), 1e-7);
  }
}
