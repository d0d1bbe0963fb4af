package org.tbps4j.data.synth;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tbps4j.data.sample.Seeds;
import org.tbps4j.eval.Ranking;
import org.tbps4j.eval.RetrievalMetrics;

/**
 * The oracle of a synthetic split: the retrieval metrics a perfect attribute matcher would get if
 * it knew exactly what each caption mentions and each gallery person's attributes.
 *
 * <p>Score of caption {@code q} against gallery image {@code g}: the number of attributes {@code q}
 * mentions whose value equals {@code g}'s person's. The true person always has every mentioned
 * value, so it is tied at the top with every other person that fits the caption; what separates
 * them is luck. <b>Ties are broken at random</b>: each repeat adds an independent {@code U[0, ½)}
 * to every score (it never reorders different scores) and ranks with tbps-eval's {@link Ranking}
 * and {@link RetrievalMetrics} (the protocol of docs/metrics.md); the reported metrics are the mean
 * over {@value #REPEATS} repeats, seeded from the dataset seed. The exact expectation of R@1 under
 * random tie order, {@code mean_q R_q / T_q} ({@code R_q} relevant images among the {@code T_q}
 * images that fit the caption), is reported beside it.
 */
public final class Oracle {

  /** Random tie-break repeats averaged. */
  public static final int REPEATS = 10;

  private Oracle() {}

  /**
   * One query: a caption's mentions and the person it describes.
   *
   * @param personId the described person
   * @param mentions what the caption states
   */
  public record Query(long personId, Map<Attribute, String> mentions) {}

  /**
   * The oracle's metrics.
   *
   * @param metrics mean over the repeats (queries and skipped counts from one repeat)
   * @param expectedRecallAt1 exact expectation of R@1 under random tie order
   * @param queries number of queries
   * @param gallery number of gallery images
   */
  public record Result(
      RetrievalMetrics metrics, double expectedRecallAt1, int queries, int gallery) {

    /**
     * The JSON form written to {@code oracle.json}: percentages under the {@link RetrievalMetrics}
     * keys plus counts.
     *
     * @return an insertion-ordered map
     */
    public Map<String, Object> asMap() {
      Map<String, Object> m = new LinkedHashMap<>(metrics.asPercentMap());
      m.put("expected_R@1_exact", 100.0 * expectedRecallAt1);
      m.put("gallery", gallery);
      return m;
    }
  }

  /**
   * Computes the oracle.
   *
   * @param people the identities, by person id (at least those of the gallery)
   * @param galleryIds person id of each gallery image, in gallery order
   * @param queries the caption queries
   * @param seed seed of the random tie-break
   * @return the metrics
   * @throws IllegalArgumentException if no query has a relevant gallery image
   */
  public static Result compute(
      Map<Long, Identity> people, long[] galleryIds, List<Query> queries, long seed) {
    return compute(people, galleryIds, queries, seed, REPEATS);
  }

  /** {@link #compute} with a chosen number of tie-break repeats (tests use many). */
  static Result compute(
      Map<Long, Identity> people, long[] galleryIds, List<Query> queries, long seed, int repeats) {
    // distinct gallery persons and, per gallery image, its person slot
    Map<Long, Integer> slot = new HashMap<>();
    List<Identity> persons = new ArrayList<>();
    int[] slotOf = new int[galleryIds.length];
    for (int g = 0; g < galleryIds.length; g++) {
      Integer s = slot.get(galleryIds[g]);
      if (s == null) {
        Identity who = people.get(galleryIds[g]);
        if (who == null) {
          throw new IllegalArgumentException("no attributes for gallery person " + galleryIds[g]);
        }
        s = persons.size();
        slot.put(galleryIds[g], s);
        persons.add(who);
      }
      slotOf[g] = s;
    }
    int[] imagesOf = new int[persons.size()];
    for (int s : slotOf) {
      imagesOf[s]++;
    }
    int[][] relevant = new int[queries.size()][];
    int[][] personScore = new int[queries.size()][];
    double sumExpected = 0;
    int withRelevant = 0;
    for (int q = 0; q < queries.size(); q++) {
      Query query = queries.get(q);
      int[] ps = new int[persons.size()];
      int top = query.mentions().size();
      int fitting = 0;
      for (int s = 0; s < ps.length; s++) {
        ps[s] = persons.get(s).matches(query.mentions());
        if (ps[s] == top) {
          fitting += imagesOf[s];
        }
      }
      personScore[q] = ps;
      Integer own = slot.get(query.personId());
      List<Integer> rel = new ArrayList<>();
      for (int g = 0; g < galleryIds.length; g++) {
        if (galleryIds[g] == query.personId()) {
          rel.add(g);
        }
      }
      relevant[q] = rel.stream().mapToInt(Integer::intValue).toArray();
      if (own != null && fitting > 0) {
        sumExpected += (double) imagesOf[own] / fitting;
        withRelevant++;
      }
    }
    double[] sums = new double[5];
    RetrievalMetrics last = null;
    double[] row = new double[galleryIds.length];
    for (int r = 0; r < repeats; r++) {
      Random rnd = new Random(Seeds.mix(seed, 0x4F52_4143L, r));
      RetrievalMetrics.Accumulator acc = new RetrievalMetrics.Accumulator();
      for (int q = 0; q < queries.size(); q++) {
        for (int g = 0; g < row.length; g++) {
          row[g] = personScore[q][slotOf[g]] + 0.5 * rnd.nextDouble();
        }
        acc.add(Ranking.relevantRanks(row, relevant[q]));
      }
      last = acc.result();
      sums[0] += last.recallAt1();
      sums[1] += last.recallAt5();
      sums[2] += last.recallAt10();
      sums[3] += last.meanAveragePrecision();
      sums[4] += last.meanInversePenalty();
    }
    RetrievalMetrics mean =
        new RetrievalMetrics(
            sums[0] / repeats,
            sums[1] / repeats,
            sums[2] / repeats,
            sums[3] / repeats,
            sums[4] / repeats,
            last.queries(),
            last.skippedQueries());
    double expected = withRelevant == 0 ? 0 : sumExpected / withRelevant;
    return new Result(mean, expected, queries.size(), galleryIds.length);
  }
}
