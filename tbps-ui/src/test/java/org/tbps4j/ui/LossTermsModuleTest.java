package org.tbps4j.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LossTermsModuleTest {

  static LossTermsReport step(long it, String stage, Map<String, Double> terms) {
    return new LossTermsReport("s", "w", 1000 + it, it, 0, stage, 0.1 * it, terms);
  }

  @Test
  void subsamplingKeepsTheEndsAndSpacesEvenly() {
    List<Integer> all = IntStream.range(0, 11).boxed().toList();
    assertEquals(List.of(0, 3, 5, 8, 10), LossTermsModule.subsample(all, 5)); // round(i*10/4)
    assertEquals(List.of(0, 10), LossTermsModule.subsample(all, 2));
    assertEquals(all, LossTermsModule.subsample(all, 11));
    assertEquals(all, LossTermsModule.subsample(all, 50));
  }

  @Test
  @SuppressWarnings("unchecked")
  void seriesAreSortedByIterationWithGapsWhereAStageLacksATerm() {
    Map<String, Double> a = new LinkedHashMap<>();
    a.put("loss/instance", 2.0);
    a.put("loss/total", 2.0);
    Map<String, Double> b = new LinkedHashMap<>();
    b.put("loss/ranking", 0.5);
    b.put("loss/total", 1.0);
    Map<String, Double> nan = new LinkedHashMap<>(b);
    nan.put("loss/total", Double.NaN);
    List<LossTermsReport> reports = new ArrayList<>();
    reports.add(step(2, "two", b));
    reports.add(step(0, "one", a));
    reports.add(step(3, "two", nan));
    reports.add(step(1, "one", a));
    Map<String, Object> s = LossTermsModule.series(reports, 1000);
    assertEquals(List.of(0L, 1L, 2L, 3L), s.get("iterations"));
    assertEquals(List.of("one", "one", "two", "two"), s.get("stages"));
    Map<String, List<Double>> terms = (Map<String, List<Double>>) s.get("terms");
    assertEquals(
        List.of("loss/instance", "loss/total", "loss/ranking"), List.copyOf(terms.keySet()));
    List<Double> instance = terms.get("loss/instance");
    assertEquals(2.0, instance.get(0));
    assertEquals(2.0, instance.get(1));
    assertNull(instance.get(2));
    assertNull(instance.get(3));
    List<Double> total = terms.get("loss/total");
    assertEquals(1.0, total.get(2));
    assertNull(total.get(3), "NaN is a gap (JSON has no NaN)");
    List<Double> lr = (List<Double>) s.get("learning_rate");
    assertEquals(0.3, lr.get(3), 1e-12);
    assertEquals(4, s.get("steps"));
    assertEquals(4, s.get("points"));

    Map<String, Object> two = LossTermsModule.series(reports, 2);
    assertEquals(List.of(0L, 3L), two.get("iterations"));
    assertEquals(4, two.get("steps"));
    assertEquals(2, two.get("points"));
  }
}
