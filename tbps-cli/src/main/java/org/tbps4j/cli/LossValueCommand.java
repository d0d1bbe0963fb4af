package org.tbps4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.tbps4j.loss.Loss;
import org.tbps4j.loss.LossArrays;
import org.tbps4j.loss.LossGraphs;
import org.tbps4j.loss.LossValue;
import org.tbps4j.loss.Losses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tbps loss-value}: one loss on arrays given as JSON, in float64, for checking our numbers
 * against another framework.
 */
@Command(
    name = "loss-value",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate one loss (float64) on the arrays of a JSON case file and print"
          + " {\"loss\": value, <part>: value, ...}.",
      "CASE.json: \"image\" [N][D], \"text\" [N][D], \"ids\" [N] (integers, may repeat);"
          + " for instance/cmpc/mam also \"class_weights\" [D][C] (and \"class_bias\" [C] for"
          + " instance), with ids as class indices 0..C-1; optionally \"similarity\" [N][N]"
          + " (image i, text j) replacing the cosine of ranking/psw/sn/asm/sdm.",
      "Losses: instance, ranking, cmpm, cmpc, mam, psw, sn, asm, sdm. Parameters as in"
          + " docs/losses.md: margin, m, lambda, a2..b0, k, alpha, w, squeeze, m0, beta, tau,"
          + " image_weight, text_weight."
    })
public final class LossValueCommand implements Callable<Integer> {

  /** How the value is computed. */
  enum Engine {
    /** The eager float64 twin. */
    EAGER,
    /** The SameDiff composition used in training, as a float64 graph. */
    SAMEDIFF
  }

  @Spec CommandSpec spec;

  @Option(names = "--loss", required = true, paramLabel = "NAME", description = "The loss.")
  String loss;

  @Option(names = "--input", required = true, paramLabel = "CASE.json", description = "The arrays.")
  Path input;

  @Option(
      names = "--param",
      paramLabel = "KEY=VALUE",
      description = "A loss parameter (repeatable), e.g. --param m=4 --param lambda=5.")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(
      names = "--engine",
      paramLabel = "ENGINE",
      defaultValue = "EAGER",
      description = "eager (default) or samediff (the training graph, float64).")
  Engine engine;

  @Override
  public Integer call() throws Exception {
    Loss l = Losses.create(loss, params);
    LossArrays arrays = LossCase.read(input);
    if (arrays.hasSimilarity() && !l.usesSimilarity()) {
      throw new IllegalArgumentException(
          input
              + ": loss '"
              + l.name()
              + "' does not use \"similarity\" (only ranking, psw, sn, asm, sdm do); remove it");
    }
    LossValue v;
    try {
      v =
          engine == Engine.SAMEDIFF
              ? LossGraphs.evaluate(l, arrays, DataType.DOUBLE)
              : l.compute(arrays);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(input + ": " + e.getMessage(), e);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("loss", v.value());
    out.putAll(v.parts());
    out.put("name", l.name());
    out.put("parameters", l.parameters());
    out.put("engine", engine.name().toLowerCase(java.util.Locale.ROOT));
    out.put("n", arrays.size());
    out.put("d", arrays.dimension());
    var w = spec.commandLine().getOut();
    w.print(Json.write(out) + System.lineSeparator());
    w.flush();
    return CliErrors.EXIT_OK;
  }
}
