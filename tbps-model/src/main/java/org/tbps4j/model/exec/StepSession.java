package org.tbps4j.model.exec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.listeners.Loss;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.config.ExecutionResult;
import org.nd4j.autodiff.samediff.config.SDValue;
import org.nd4j.autodiff.samediff.internal.FrameIter;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.TrainingSession;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.GradientUpdater;

/**
 * A SameDiff M2.1 {@link TrainingSession} that lives as long as its gradient graph instead of one
 * step, with narrowly scoped changes to what the stock session does per step (see
 * docs/samediff-executor.md). Each can be switched off ({@link Options}); with all off it is the
 * stock session, kept across steps.
 *
 * <ol>
 *   <li><b>Kept across steps</b> (always): the array cache, the native op contexts and every per-op
 *       structure of the session survive the step, as they do for {@code SameDiff.output} (M2.1's
 *       {@code fit} builds a new session, hence a new empty array cache, every step). The set of
 *       released array ids the session keeps to avoid releasing an array twice is cleared at the
 *       start of each step, as a new session's would be (it otherwise grows by one entry per op and
 *       step); the memory manager is a {@link StepMemMgr}, which keeps rank-0 arrays out of the
 *       cache and, with {@link Options#recycleArrays}, gives back what the executor leaves out at
 *       the end of each step.
 *   <li><b>No requested outputs</b> ({@link Options#skipOutputCopy}): {@code trainingIteration}
 *       asks the executor for every gradient both as an output and as a required activation. As an
 *       output, each name costs a copy of the whole variable table ({@code SameDiff.variableMap()})
 *       in the executor's validation loop, and the map of returned arrays is never read. Here the
 *       gradients are requested as required activations only, and the set of "outputs" the executor
 *       passes to its per-op hooks (which keeps those arrays alive until the updater has used them)
 *       is put back to the gradient names, so the arrays are handled exactly as before.
 *   <li><b>Cached subgraph</b> ({@link Options#cacheSubgraph}): the set of variables and ops needed
 *       for the requested activations is computed once per request set and graph size and restored
 *       in the same order afterwards (the executor recomputes it with a regular-expression call per
 *       variable every step).
 * </ol>
 */
final class StepSession extends TrainingSession {

  /**
   * Which changes are on.
   *
   * @param recycleArrays give the arrays the executor leaves out back to the cache after each step
   * @param ownPool use our {@link ArrayPool} instead of M2.1's array cache
   * @param skipOutputCopy request the gradients as required activations only
   * @param cacheSubgraph reuse the subgraph of the previous identical request
   */
  record Options(
      boolean recycleArrays, boolean ownPool, boolean skipOutputCopy, boolean cacheSubgraph) {}

  private final Options options;
  private final SectionClock clock;
  private final StepMemMgr memory;

  /** The gradient names of the running iteration (the outputs it asked for), else empty. */
  private Set<String> requestedOutputs = Set.of();

  private boolean inIteration;

  // the subgraph cache: request, graph size, and the three sets in their insertion order
  private List<String> cachedRequest;
  private int cachedOps = -1;
  private int cachedVariables = -1;
  private List<String> cachedSubgraph;
  private List<String> cachedSubgraphOps;
  private List<String> cachedZeroInputOps;

  /**
   * A session for one gradient graph.
   *
   * @param gradGraph the graph {@code fit} trains ({@code sd.getFunction("grad")})
   * @param options the changes to apply
   * @param clock where section times go, or null
   */
  StepSession(SameDiff gradGraph, Options options, SectionClock clock) {
    super(gradGraph);
    this.options = options;
    this.clock = clock;
    this.memory =
        new StepMemMgr(
            options.ownPool() ? new ArrayPool() : getMmgr(), options.recycleArrays(), clock);
    setMmgr(memory);
  }

  /** The graph this session executes. */
  SameDiff graph() {
    return sameDiff;
  }

  @Override
  public Loss trainingIteration(
      TrainingConfig config,
      Map<String, INDArray> placeholders,
      Set<String> paramsToTrain,
      Map<String, GradientUpdater> updaters,
      MultiDataSet batch,
      List<String> lossVariables,
      List<Listener> listeners,
      At at) {
    // a new session starts with no released ids; ids of earlier steps are never seen again
    // (arrays taken from the cache get a new id), and the set would otherwise grow every step
    freedArrays.clear();
    inIteration = true;
    try {
      Loss loss =
          super.trainingIteration(
              config, placeholders, paramsToTrain, updaters, batch, lossVariables, listeners, at);
      memory.endStep();
      return loss;
    } finally {
      inIteration = false;
      requestedOutputs = Set.of();
    }
  }

  @Override
  public Map<String, INDArray> output(
      List<String> variables,
      Map<String, INDArray> placeholderValues,
      MultiDataSet batch,
      Collection<String> requiredActivations,
      List<Listener> listeners,
      At at) {
    long t0 = SectionClock.now(clock);
    try {
      if (!inIteration
          || !options.skipOutputCopy()
          || requiredActivations == null
          || !requiredActivations.containsAll(variables)) {
        return super.output(
            variables, placeholderValues, batch, requiredActivations, listeners, at);
      }
      // trainingIteration requests each gradient as an output and as a required activation, and
      // ignores the returned map: request them as activations only (no variable-table copy per
      // name) and hand the executor's per-op hooks the gradient names as the outputs to keep
      requestedOutputs = new LinkedHashSet<>(variables);
      super.output(
          Collections.emptyList(),
          placeholderValues,
          Collections.emptyMap(),
          batch,
          requiredActivations,
          listeners,
          at);
      return Collections.emptyMap();
    } finally {
      SectionClock.add(clock, SectionClock.Section.OUTPUT, t0);
    }
  }

  private Set<String> outputs(Set<String> allReqVariables) {
    return allReqVariables.isEmpty() && !requestedOutputs.isEmpty()
        ? requestedOutputs
        : allReqVariables;
  }

  @Override
  public Pair<SameDiffOp, OpContext> getAndParameterizeOp(
      String opName,
      FrameIter frameIter,
      Set<VarId> opInputs,
      Set<VarId> allIterInputs,
      Set<String> constAndPhInputs,
      Map<String, INDArray> placeholderValues,
      Set<String> allReqVariables,
      Map<String, SDValue> otherPlaceholders) {
    long t0 = SectionClock.now(clock);
    try {
      return super.getAndParameterizeOp(
          opName,
          frameIter,
          opInputs,
          allIterInputs,
          constAndPhInputs,
          placeholderValues,
          outputs(allReqVariables),
          otherPlaceholders);
    } finally {
      SectionClock.add(clock, SectionClock.Section.PARAMETERIZE, t0);
    }
  }

  @Override
  public ExecutionResult getOutputs(
      Pair<SameDiffOp, OpContext> opPair,
      FrameIter outputFrameIter,
      Set<VarId> opInputs,
      Set<VarId> allIterInputs,
      Set<String> constAndPhInputs,
      List<Listener> listeners,
      At at,
      MultiDataSet batch,
      Set<String> allReqVariables,
      Map<String, SDValue> otherPlaceHolders) {
    long t0 = SectionClock.now(clock);
    try {
      ExecutionResult out =
          super.getOutputs(
              opPair,
              outputFrameIter,
              opInputs,
              allIterInputs,
              constAndPhInputs,
              listeners,
              at,
              batch,
              outputs(allReqVariables),
              otherPlaceHolders);
      if (inIteration && gradVarToVarMap != null && out.hasSingle()) {
        List<String> names = opPair.getFirst().getOutputsOfOp();
        for (int i = 0; i < names.size() && i < out.numResults(); i++) {
          if (gradVarToVarMap.containsKey(names.get(i)) && out.resultAt(i) != null) {
            memory.gradientUsed(out.resultAt(i)); // updated and applied by super.getOutputs
          }
        }
      }
      return out;
    } finally {
      SectionClock.add(clock, SectionClock.Section.GET_OUTPUTS, t0);
    }
  }

  @Override
  public ExecutionResult doExec(
      org.nd4j.autodiff.functions.DifferentialFunction op,
      OpContext opContext,
      FrameIter outputFrameIter,
      Set<VarId> opInputs,
      Set<VarId> allIterInputs,
      Set<String> constAndPhInputs,
      Map<String, SDValue> otherPlaceHolders) {
    long t0 = SectionClock.now(clock);
    try {
      return super.doExec(
          op,
          opContext,
          outputFrameIter,
          opInputs,
          allIterInputs,
          constAndPhInputs,
          otherPlaceHolders);
    } finally {
      SectionClock.add(clock, SectionClock.Section.EXEC, t0);
    }
  }

  @Override
  protected void initSubgraph(Set<String> variables) {
    long t0 = SectionClock.now(clock);
    try {
      // a new session has no zero-input ops yet; this one must not carry those of another request
      zeroInputOpsInSubgraph.clear();
      if (!options.cacheSubgraph()) {
        super.initSubgraph(variables);
        return;
      }
      int nOps = sameDiff.getOps().size();
      int nVars = sameDiff.getVariables().size();
      List<String> request = new ArrayList<>(variables);
      if (request.equals(cachedRequest) && nOps == cachedOps && nVars == cachedVariables) {
        subgraph.addAll(cachedSubgraph);
        subgraphOps.addAll(cachedSubgraphOps);
        zeroInputOpsInSubgraph.addAll(cachedZeroInputOps);
        return;
      }
      super.initSubgraph(variables);
      cachedRequest = request;
      cachedOps = nOps;
      cachedVariables = nVars;
      cachedSubgraph = new ArrayList<>(subgraph);
      cachedSubgraphOps = new ArrayList<>(subgraphOps);
      cachedZeroInputOps = new ArrayList<>(zeroInputOpsInSubgraph);
    } finally {
      SectionClock.add(clock, SectionClock.Section.SUBGRAPH, t0);
    }
  }
}
