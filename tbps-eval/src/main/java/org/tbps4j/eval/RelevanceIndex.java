package org.tbps4j.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * For each person id, the ascending gallery indices that show it. Built once per gallery and shared
 * by all queries.
 */
public final class RelevanceIndex {
  private static final int[] NONE = new int[0];
  private final Map<Long, int[]> byId;
  private final int gallerySize;

  /**
   * Indexes a gallery.
   *
   * @param galleryIds the person id of each gallery item
   */
  public RelevanceIndex(long[] galleryIds) {
    Map<Long, List<Integer>> lists = new HashMap<>();
    for (int g = 0; g < galleryIds.length; g++) {
      lists.computeIfAbsent(galleryIds[g], k -> new ArrayList<>()).add(g);
    }
    byId = new HashMap<>(lists.size() * 2);
    lists.forEach((id, l) -> byId.put(id, l.stream().mapToInt(Integer::intValue).toArray()));
    gallerySize = galleryIds.length;
  }

  /**
   * Indexes a gallery.
   *
   * @param galleryIds the person id of each gallery item
   */
  public RelevanceIndex(int[] galleryIds) {
    this(toLong(galleryIds));
  }

  /**
   * Returns the gallery indices relevant to a query id.
   *
   * @param queryId the person id of the query
   * @return ascending gallery indices; empty (shared, do not modify) when none
   */
  public int[] relevant(long queryId) {
    return byId.getOrDefault(queryId, NONE);
  }

  /**
   * Returns the gallery size this index was built for.
   *
   * @return number of gallery items
   */
  public int gallerySize() {
    return gallerySize;
  }

  static long[] toLong(int[] ids) {
    long[] out = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = ids[i];
    }
    return out;
  }
}
