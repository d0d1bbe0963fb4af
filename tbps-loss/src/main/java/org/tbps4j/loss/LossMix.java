package org.tbps4j.loss;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A weighted sum of losses, {@code loss/total = Σ w_k · loss/<name_k>}: what a trainer minimises
 * (e.g. the MAM paper's {@code cmpm + 0.8·cmpc + 0.2·mam + psw}). Each loss appears at most once.
 * The weights, like the losses' hyperparameters, are graph constants ({@link LossNames#weight}), so
 * a sweep or schedule changes them on a built graph with {@link #withWeight}/{@link #withParameter}
 * followed by {@link #writeParameters}. Immutable.
 *
 * <pre>{@code
 * LossMix mix = LossMix.builder().add("cmpm", 1).add("cmpc", 0.8).add("mam", 0.2).add("psw", 1).build();
 * LossMix.Variables v = mix.define(sd, inputs);
 * sd.setLossVariables(v.total());            // then sd.fit(...); log v.names()
 * mix.withWeight("mam", 0.3).writeParameters(sd);
 * }</pre>
 */
public final class LossMix {

  /**
   * One entry of the mix.
   *
   * @param loss the loss
   * @param weight its weight, finite ≥ 0
   */
  public record Term(Loss loss, double weight) {
    /** Validates the entry. */
    public Term {
      if (loss == null) {
        throw new IllegalArgumentException("loss mix term without a loss");
      }
      if (!(weight >= 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException(
            "weight of loss '" + loss.name() + "' is " + weight + "; valid: a finite number >= 0");
      }
    }
  }

  /**
   * The variables a mix adds to a graph.
   *
   * @param total {@code loss/total}
   * @param terms {@code loss/<name>} by registry name, in mix order (unweighted)
   * @param parts {@code loss/<name>/<part>} by full variable name
   */
  public record Variables(
      SDVariable total, Map<String, SDVariable> terms, Map<String, SDVariable> parts) {
    /** Makes the maps unmodifiable. */
    public Variables {
      terms = Collections.unmodifiableMap(new LinkedHashMap<>(terms));
      parts = Collections.unmodifiableMap(new LinkedHashMap<>(parts));
    }

    /**
     * Every variable name worth logging: the total, each term, each part.
     *
     * @return names for {@code sd.output(..., names)}
     */
    public List<String> names() {
      List<String> n = new ArrayList<>();
      n.add(total.name());
      terms.values().forEach(v -> n.add(v.name()));
      n.addAll(parts.keySet());
      return n;
    }
  }

  /**
   * The eager value of a mix.
   *
   * @param total {@code Σ w_k · value_k}
   * @param terms each loss's value with its parts, by registry name, in mix order (unweighted)
   */
  public record Value(double total, Map<String, LossValue> terms) {
    /** Makes the map unmodifiable. */
    public Value {
      terms = Collections.unmodifiableMap(new LinkedHashMap<>(terms));
    }
  }

  private final List<Term> terms;

  private LossMix(List<Term> terms) {
    if (terms.isEmpty()) {
      throw new IllegalArgumentException("a loss mix needs at least one loss");
    }
    List<String> seen = new ArrayList<>();
    for (Term t : terms) {
      if (seen.contains(t.loss().name())) {
        throw new IllegalArgumentException(
            "loss '" + t.loss().name() + "' appears twice in the mix; each loss may appear once");
      }
      seen.add(t.loss().name());
    }
    this.terms = List.copyOf(terms);
  }

  /**
   * A mix of the given entries.
   *
   * @param terms the entries, at least one, each loss at most once
   * @return the mix
   * @throws IllegalArgumentException for an empty list or a repeated loss
   */
  public static LossMix of(List<Term> terms) {
    return new LossMix(terms);
  }

  /**
   * Starts a builder.
   *
   * @return an empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The entries.
   *
   * @return unmodifiable, in order
   */
  public List<Term> terms() {
    return terms;
  }

  /**
   * One entry's loss.
   *
   * @param name registry name
   * @return the loss
   * @throws IllegalArgumentException when the mix has no such loss
   */
  public Loss loss(String name) {
    return terms.get(index(name)).loss();
  }

  /**
   * A copy with one weight changed.
   *
   * @param name registry name of an entry
   * @param weight new weight, finite ≥ 0
   * @return the new mix
   */
  public LossMix withWeight(String name, double weight) {
    List<Term> copy = new ArrayList<>(terms);
    int i = index(name);
    copy.set(i, new Term(copy.get(i).loss(), weight));
    return new LossMix(copy);
  }

  /**
   * A copy with one hyperparameter of one entry changed.
   *
   * @param name registry name of an entry
   * @param key parameter key
   * @param value new value (number or string)
   * @return the new mix
   */
  public LossMix withParameter(String name, String key, Object value) {
    List<Term> copy = new ArrayList<>(terms);
    int i = index(name);
    copy.set(i, new Term(copy.get(i).loss().withParameter(key, value), copy.get(i).weight()));
    return new LossMix(copy);
  }

  private int index(String name) {
    for (int i = 0; i < terms.size(); i++) {
      if (terms.get(i).loss().name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "the mix has no loss '"
            + name
            + "' (it has: "
            + String.join(", ", terms.stream().map(t -> t.loss().name()).toList())
            + ")");
  }

  /**
   * Adds every loss, its weight constant and {@code loss/total} to a graph. The shared terms
   * (normalised embeddings, cosine matrix, id masks) are built once.
   *
   * @param sd the graph owning the inputs
   * @param inputs the inputs
   * @return the total, the terms and their parts
   * @throws IllegalArgumentException when a loss lacks an input it needs or is already defined
   */
  public Variables define(SameDiff sd, LossInputs inputs) {
    Map<String, SDVariable> defined = new LinkedHashMap<>();
    Map<String, SDVariable> parts = new LinkedHashMap<>();
    SDVariable total = null;
    for (Term t : terms) {
      String name = t.loss().name();
      SDVariable v = t.loss().define(sd, inputs);
      defined.put(name, v);
      for (String p : t.loss().partNames()) {
        parts.put(LossNames.part(name, p), sd.getVariable(LossNames.part(name, p)));
      }
      SDVariable w =
          sd.constant(LossNames.weight(name), Nd4j.scalar(inputs.dataType(), t.weight()));
      SDVariable weighted = v.mul(w);
      total = total == null ? weighted : total.add(weighted);
    }
    return new Variables(total.rename(LossNames.TOTAL), defined, parts);
  }

  /**
   * Writes this mix's weights and every loss's hyperparameters into a graph where a mix with the
   * same losses was defined.
   *
   * @param sd the graph
   * @throws IllegalArgumentException when the graph lacks one of the losses
   */
  public void writeParameters(SameDiff sd) {
    for (Term t : terms) {
      String var = LossNames.weight(t.loss().name());
      INDArray current = sd.hasVariable(var) ? sd.getArrForVarName(var) : null;
      if (current == null) {
        throw new IllegalArgumentException(
            "the graph has no constant " + var + ": define the mix in it first");
      }
      current.assign(t.weight());
      t.loss().writeParameters(sd);
    }
  }

  /**
   * The eager twin of the mix.
   *
   * @param arrays the inputs
   * @return the weighted total and each loss's value
   */
  public Value compute(LossArrays arrays) {
    Map<String, LossValue> values = new LinkedHashMap<>();
    double total = 0;
    for (Term t : terms) {
      LossValue v = t.loss().compute(arrays);
      values.put(t.loss().name(), v);
      total += t.weight() * v.value();
    }
    return new Value(total, values);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Term t : terms) {
      sb.append(sb.length() == 0 ? "" : " + ").append(t.weight()).append("·").append(t.loss());
    }
    return sb.toString();
  }

  /** Collects the entries of a {@link LossMix}. */
  public static final class Builder {
    private final List<Term> terms = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a loss.
     *
     * @param loss the loss
     * @param weight its weight, finite ≥ 0
     * @return this builder
     */
    public Builder add(Loss loss, double weight) {
      terms.add(new Term(loss, weight));
      return this;
    }

    /**
     * Adds a loss by registry name with default parameters.
     *
     * @param name registry name
     * @param weight its weight, finite ≥ 0
     * @return this builder
     */
    public Builder add(String name, double weight) {
      return add(Losses.create(name), weight);
    }

    /**
     * Adds a loss by registry name with parameters.
     *
     * @param name registry name
     * @param weight its weight, finite ≥ 0
     * @param parameters keys as in docs/losses.md
     * @return this builder
     */
    public Builder add(String name, double weight, Map<String, ?> parameters) {
      return add(Losses.create(name, parameters), weight);
    }

    /**
     * Builds the mix.
     *
     * @return the mix
     * @throws IllegalArgumentException for no entries or a repeated loss
     */
    public LossMix build() {
      return new LossMix(terms);
    }
  }
}
