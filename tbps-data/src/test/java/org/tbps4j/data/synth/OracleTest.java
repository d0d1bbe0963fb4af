package org.tbps4j.data.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tbps4j.data.Split;

class OracleTest {

  private static Identity person(int id, String upper, String lower) {
    Map<Attribute, String> v = new EnumMap<>(Attribute.class);
    v.put(Attribute.UPPER_COLOUR, upper);
    v.put(Attribute.LOWER_COLOUR, lower);
    return new Identity(id, Split.TEST, v, 0, 1, 1, new int[3]);
  }

  private static Map<Attribute, String> says(Attribute a, String v) {
    Map<Attribute, String> m = new EnumMap<>(Attribute.class);
    m.put(a, v);
    return m;
  }

  // A (id 1) red/black with 2 images, B (id 2) red/blue, C (id 3) blue/blue
  static final Map<Long, Identity> PEOPLE =
      Map.of(
          1L,
          person(1, "red", "black"),
          2L,
          person(2, "red", "blue"),
          3L,
          person(3, "blue", "blue"));
  static final long[] GALLERY = {1, 2, 1, 3};

  @Test
  void withoutTiesThePerfectMatcherIsPerfect() {
    List<Oracle.Query> q =
        List.of(
            new Oracle.Query(3, says(Attribute.UPPER_COLOUR, "blue")),
            new Oracle.Query(2, says(Attribute.LOWER_COLOUR, "blue")));
    // query 2: "lower blue" fits B and C -> tie; drop it for the no-tie case
    Oracle.Result r = Oracle.compute(PEOPLE, GALLERY, q.subList(0, 1), 1);
    assertEquals(1.0, r.metrics().recallAt1());
    assertEquals(1.0, r.metrics().meanAveragePrecision());
    assertEquals(1.0, r.expectedRecallAt1());
  }

  @Test
  void tiesAreSharedAtRandomAndTheAverageApproachesTheExactExpectation() {
    // q1: "upper red" from A: fits A, A, B -> A first with probability 2/3
    // q2: "upper blue" from C: fits C only -> 1
    // q3: "upper red, lower blue" from B: B scores 2, A images 1 -> 1
    Map<Attribute, String> both = says(Attribute.UPPER_COLOUR, "red");
    both.put(Attribute.LOWER_COLOUR, "blue");
    List<Oracle.Query> q =
        List.of(
            new Oracle.Query(1, says(Attribute.UPPER_COLOUR, "red")),
            new Oracle.Query(3, says(Attribute.UPPER_COLOUR, "blue")),
            new Oracle.Query(2, both));
    double exact = (2.0 / 3 + 1 + 1) / 3;
    Oracle.Result r = Oracle.compute(PEOPLE, GALLERY, q, 5, 4000);
    assertEquals(exact, r.expectedRecallAt1(), 1e-12);
    assertEquals(exact, r.metrics().recallAt1(), 0.01);
    // mAP of q1: relevant A images among 3 tied (ranks of the two A's in a random order of
    // A, A, B): orders AAB, ABA, BAA equally likely -> AP = 1, (1 + 2/3)/2, (1/2 + 2/3)/2
    double apQ1 = (1 + (1 + 2.0 / 3) / 2 + (0.5 + 2.0 / 3) / 2) / 3;
    assertEquals((apQ1 + 1 + 1) / 3, r.metrics().meanAveragePrecision(), 0.01);
    assertEquals(1.0, r.metrics().recallAt5());
    assertEquals(3, r.queries());
    assertEquals(4, r.gallery());
  }
}
