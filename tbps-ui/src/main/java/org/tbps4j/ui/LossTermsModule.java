package org.tbps4j.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.ui.api.HttpMethod;
import org.deeplearning4j.ui.api.Route;

/**
 * The loss-terms page: every loss term, the total and the learning rate per iteration, from the
 * {@link LossTermsReport}s of the attached storages.
 *
 * <p>{@code GET /tbps/losses} is the page (one small chart per term, refreshed every few seconds);
 * {@code GET /tbps/losses/data[?session=ID][&max_points=N]} is its JSON: {@code session}, {@code
 * sessions}, {@code iterations}, {@code epochs}, {@code stages}, {@code learning_rate} and {@code
 * terms} (term name to values, {@code null} where a stage did not have the term), evenly subsampled
 * to at most {@code max_points} (default {@value #DEFAULT_MAX_POINTS}) with the last step kept.
 */
final class LossTermsModule extends StorageModule {
  /** The page. */
  static final String PAGE = "/tbps/losses";

  /** Its JSON. */
  static final String DATA = "/tbps/losses/data";

  static final int DEFAULT_MAX_POINTS = 1000;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public List<Route> getRoutes() {
    return List.of(
        new Route(PAGE, HttpMethod.GET, (p, rc) -> page(rc)),
        new Route(DATA, HttpMethod.GET, (p, rc) -> data(rc)));
  }

  private void page(RoutingContext rc) {
    rc.response().putHeader("content-type", "text/html; charset=utf-8").end(LossTermsPage.HTML);
  }

  private void data(RoutingContext rc) {
    int maxPoints = DEFAULT_MAX_POINTS;
    String mp = rc.request().getParam("max_points");
    if (mp != null) {
      try {
        maxPoints = Integer.parseInt(mp);
      } catch (NumberFormatException e) {
        maxPoints = -1;
      }
      if (maxPoints < 2) {
        rc.response()
            .setStatusCode(HttpResponseStatus.BAD_REQUEST.code())
            .end("max_points must be an integer >= 2, got " + mp);
        return;
      }
    }
    Map<String, StatsStorage> sessions = sessions();
    String session = rc.request().getParam("session");
    if (session == null) {
      session = latestSession(sessions);
    } else if (!sessions.containsKey(session)) {
      rc.response()
          .setStatusCode(HttpResponseStatus.NOT_FOUND.code())
          .end("unknown session " + session + "; known: " + sessions.keySet());
      return;
    }
    List<LossTermsReport> reports = new ArrayList<>();
    if (session != null) {
      StatsStorage s = sessions.get(session);
      for (Persistable p : s.getAllUpdatesAfter(session, LossTermsReport.TYPE_ID, -1)) {
        if (p instanceof LossTermsReport r) {
          reports.add(r);
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("session", session);
    out.put("sessions", new ArrayList<>(sessions.keySet()));
    out.putAll(series(reports, maxPoints));
    try {
      rc.response().putHeader("content-type", "application/json").end(JSON.writeValueAsString(out));
    } catch (JsonProcessingException e) {
      rc.fail(e);
    }
  }

  /** Session ID to its storage, for every session that has loss-term records. */
  private Map<String, StatsStorage> sessions() {
    Map<String, StatsStorage> out = new LinkedHashMap<>();
    for (StatsStorage s : storages) {
      for (String id : s.listSessionIDs()) {
        if (s.listTypeIDsForSession(id).contains(LossTermsReport.TYPE_ID)) {
          out.putIfAbsent(id, s);
        }
      }
    }
    return out;
  }

  private static String latestSession(Map<String, StatsStorage> sessions) {
    String best = null;
    long bestTime = Long.MIN_VALUE;
    for (Map.Entry<String, StatsStorage> e : sessions.entrySet()) {
      for (Persistable p :
          e.getValue().getLatestUpdateAllWorkers(e.getKey(), LossTermsReport.TYPE_ID)) {
        if (p.getTimeStamp() > bestTime) {
          bestTime = p.getTimeStamp();
          best = e.getKey();
        }
      }
    }
    return best;
  }

  /**
   * The chart series of a session's reports: sorted by iteration, evenly subsampled to at most
   * {@code maxPoints} points (the first and the last step are always kept).
   *
   * @param reports the session's loss-term records, any order
   * @param maxPoints the most points per series, at least 2
   * @return {@code iterations}, {@code epochs}, {@code stages}, {@code learning_rate}, {@code
   *     terms} (name to values, {@code null} where a step had no such term)
   */
  static Map<String, Object> series(List<LossTermsReport> reports, int maxPoints) {
    List<LossTermsReport> sorted = new ArrayList<>(reports);
    sorted.sort(Comparator.comparingLong(LossTermsReport::iteration));
    List<LossTermsReport> kept = subsample(sorted, maxPoints);
    LinkedHashSet<String> names = new LinkedHashSet<>();
    for (LossTermsReport r : kept) {
      names.addAll(r.terms().keySet());
    }
    List<Long> iterations = new ArrayList<>();
    List<Integer> epochs = new ArrayList<>();
    List<String> stages = new ArrayList<>();
    List<Double> lr = new ArrayList<>();
    Map<String, List<Double>> terms = new LinkedHashMap<>();
    for (String n : names) {
      terms.put(n, new ArrayList<>());
    }
    for (LossTermsReport r : kept) {
      iterations.add(r.iteration());
      epochs.add(r.epoch());
      stages.add(r.stage());
      lr.add(finiteOrNull(r.learningRate()));
      for (String n : names) {
        Double v = r.terms().get(n);
        terms.get(n).add(v == null ? null : finiteOrNull(v));
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("points", kept.size());
    out.put("steps", sorted.size());
    out.put("iterations", iterations);
    out.put("epochs", epochs);
    out.put("stages", stages);
    out.put("learning_rate", lr);
    out.put("terms", terms);
    return out;
  }

  /** JSON has no NaN/Infinity: a non-finite loss is shown as a gap. */
  private static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  static <T> List<T> subsample(List<T> all, int maxPoints) {
    int n = all.size();
    if (n <= maxPoints) {
      return all;
    }
    List<T> out = new ArrayList<>(maxPoints);
    for (int i = 0; i < maxPoints; i++) {
      // evenly spaced indices from 0 to n-1 inclusive
      out.add(all.get((int) Math.round((double) i * (n - 1) / (maxPoints - 1))));
    }
    return out;
  }
}
