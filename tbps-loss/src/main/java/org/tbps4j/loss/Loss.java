package org.tbps4j.loss;

import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * One batch-coupled loss of text-based person search, in two forms that agree to 1e-5 in float64: a
 * SameDiff composition of stock ops (for training) and an eager twin on INDArrays (for checks,
 * {@code tbps loss-value} and anyone consuming tbps-loss). Implementations are immutable; create
 * them with their typed constructors or by name through {@link Losses#create}.
 *
 * <p>Inputs are described once in {@link LossInputs} (graph) and {@link LossArrays} (eager): image
 * embeddings {@code X [N,D]}, text embeddings {@code T [N,D]} (row {@code i} of both from the same
 * sample), ids {@code y [N]}, and, for the classifier losses, weights {@code W [D,C]} and bias
 * {@code b [C]}.
 *
 * <p>Hyperparameters live in the graph as constants named {@link LossNames#parameter}; a sweep or a
 * schedule changes them on a built graph with {@code loss.withParameter(key,
 * v).writeParameters(sd)} without rebuilding it.
 */
public interface Loss {

  /**
   * The registry name ({@code instance}, {@code ranking}, {@code cmpm}, {@code cmpc}, {@code mam},
   * {@code psw}, {@code sn}, {@code asm}, {@code sdm}).
   *
   * @return the name used in {@link LossNames} and in configuration
   */
  String name();

  /**
   * The current hyperparameters, keyed as in docs/losses.md, in a fixed order.
   *
   * @return unmodifiable map of key to value ({@link Double}, {@link Integer} or {@link String})
   */
  Map<String, Object> parameters();

  /**
   * The names of the parts this loss reports (graph {@code loss/<name>/<part>}, eager {@link
   * LossValue#parts()}).
   *
   * @return e.g. {@code [i2t, t2i]} or {@code [image, text]}
   */
  List<String> partNames();

  /**
   * Whether this loss needs the classifier weights {@code W [D,C]} (and, for {@code instance}, the
   * bias {@code b [C]}); if so, ids must be class indices {@code 0..C-1}.
   *
   * @return true for {@code instance}, {@code cmpc} and {@code mam}
   */
  boolean usesClassifier();

  /**
   * Whether a precomputed similarity {@code S [N,N]} given in the inputs replaces the global cosine
   * of this loss.
   *
   * @return true for the similarity-based losses ({@code ranking}, {@code psw}, {@code sn}, {@code
   *     asm}, {@code sdm})
   */
  boolean usesSimilarity();

  /**
   * A copy with one hyperparameter changed, validated like the constructor.
   *
   * @param key parameter key (one of {@link #parameters()}'s keys)
   * @param value a number, or a string holding one (or a choice name)
   * @return the new loss
   * @throws IllegalArgumentException for an unknown key or an invalid value (the message names both
   *     and the valid set)
   */
  default Loss withParameter(String key, Object value) {
    if (!parameters().containsKey(key)) {
      throw Params.unknown(name(), key, parameters().keySet());
    }
    Map<String, Object> merged = new java.util.LinkedHashMap<>(parameters());
    merged.put(key, value);
    return Losses.create(name(), merged);
  }

  /**
   * Adds this loss to a graph: the scalar {@code loss/<name>}, its parts {@code loss/<name>/<part>}
   * and the hyperparameter constants {@code loss/<name>/param/<key>}. Defines it once per graph.
   * Differentiable through stock ops only, usable in {@code fit}.
   *
   * @param sd the graph that owns the input variables
   * @param inputs the input variables
   * @return the scalar loss variable, named {@code loss/<name>}
   * @throws IllegalArgumentException when an input the loss needs is missing or has a wrong shape
   *     or type, or the loss is already defined in {@code sd}
   */
  SDVariable define(SameDiff sd, LossInputs inputs);

  /**
   * Writes this instance's hyperparameter values into the constants of a graph where a loss of the
   * same name was defined, so the next {@code output}/{@code fit} uses them.
   *
   * @param sd the graph
   * @throws IllegalArgumentException when the graph has no such loss
   */
  void writeParameters(SameDiff sd);

  /**
   * The eager twin: computes the loss in float64 on plain arrays (float32 or float64 input).
   *
   * @param arrays the inputs
   * @return the total and its parts
   * @throws IllegalArgumentException when an input the loss needs is missing or invalid
   */
  LossValue compute(LossArrays arrays);
}
