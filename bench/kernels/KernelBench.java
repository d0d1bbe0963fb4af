import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * libnd4j's backward kernels at the tiny preset's image shapes, batch 64, one op at a time (issue
 * 17: where the training step's time goes). Its PyTorch counterpart is kernel_bench.py. Run with the
 * command line's jar (Java 17 launches a single source file):
 *
 * <pre>
 *   java -cp "tbps-cli/target/tbps.jar:tbps-cli/target/lib/*" bench/kernels/KernelBench.java conv 20 64 32
 *   java -cp ... bench/kernels/KernelBench.java bn 30 64 32 64 32
 * </pre>
 *
 * {@code conv REPS H W}: conv2d_bp of the seven distinct 3×3 convolutions of the image path for an
 * H×W input, NCHW with [kH,kW,iC,oC] weights (the layout our graphs use) and the other three
 * layouts. {@code helpers REPS H W}: conv2d forward and conv2d_bp of the same seven convolutions
 * (NCHW, [kH,kW,iC,oC]) through oneDNN and through libnd4j's own kernel (im2col and a matrix
 * product), chosen per call by the op context's helper flag. {@code thin REPS C H W}: a stride-1
 * C→C convolution on an H×W map with its whole 3×3 kernel and with its centre column (3×1; the
 * same convolution when W = 1, which is how the graphs build it, docs/samediff-m2.1.md note 16),
 * forward and backward. {@code bn REPS N C H W}: batchnorm_bp on [N,C,H,W] with oneDNN and with libnd4j's own
 * kernel. Set DNNL_VERBOSE=1 to see which oneDNN implementation runs, DNNL_MAX_CPU_ISA to cap the
 * instruction set.
 */
public class KernelBench {
  public static void main(String[] a) {
    switch (a.length == 0 ? "" : a[0]) {
      case "conv" -> conv(Integer.parseInt(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]));
      case "thin" -> thin(Integer.parseInt(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]),
          Integer.parseInt(a[4]));
      case "helpers" -> helpers(Integer.parseInt(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]));
      case "bn" -> bn(Integer.parseInt(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]),
          Integer.parseInt(a[4]), Integer.parseInt(a[5]));
      default -> {
        System.err.println("usage: KernelBench conv REPS H W | helpers REPS H W | thin REPS C H W | bn REPS N C H W");
        System.exit(2);
      }
    }
  }

  static double time(Runnable r, int reps) {
    for (int i = 0; i < 5; i++) r.run();
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) r.run();
    return (System.nanoTime() - t0) / 1e6 / reps;
  }

  static void conv(int reps, int h0, int w0) {
    int n = 64;
    double[] total = new double[4];
    for (int[] l : layers(h0, w0)) {
      int ci = l[0], co = l[1], h = l[2], w = l[3], s = l[4];
      int oh = (h + s - 1) / s, ow = (w + s - 1) / s;
      StringBuilder line = new StringBuilder(String.format("%3d->%3d %3dx%-3d s%d:", ci, co, h, w, s));
      int k = 0;
      for (int nhwc = 0; nhwc < 2; nhwc++) {
        for (int wf = 0; wf < 2; wf++) {
          INDArray x = nhwc == 0 ? Nd4j.randn(DataType.FLOAT, n, ci, h, w) : Nd4j.randn(DataType.FLOAT, n, h, w, ci);
          INDArray wt = wf == 0 ? Nd4j.randn(DataType.FLOAT, 3, 3, ci, co) : Nd4j.randn(DataType.FLOAT, co, ci, 3, 3);
          INDArray g = nhwc == 0 ? Nd4j.randn(DataType.FLOAT, n, co, oh, ow) : Nd4j.randn(DataType.FLOAT, n, oh, ow, co);
          DynamicCustomOp op = DynamicCustomOp.builder("conv2d_bp").addInputs(x, wt, g)
              .addOutputs(x.ulike(), wt.ulike())
              .addIntegerArguments(3, 3, s, s, 0, 0, 1, 1, 1, nhwc, wf).build(); // SAME padding
          double ms = time(() -> Nd4j.exec(op), reps);
          total[k++] += ms;
          line.append(String.format("  %s/%s %.2f ms", nhwc == 0 ? "NCHW" : "NHWC", wf == 0 ? "HWIO" : "OIHW", ms));
        }
      }
      System.out.println(line);
    }
    System.out.printf("total: NCHW/HWIO %.1f  NCHW/OIHW %.1f  NHWC/HWIO %.1f  NHWC/OIHW %.1f ms%n",
        total[0], total[1], total[2], total[3]);
  }

  /** Layers of the tiny image path for an h0×w0 input: {in, out, h, w, stride}. */
  static int[][] layers(int h0, int w0) {
    // stem, stage-1 down, stage-1 block, stage-2 down, stage-2 block, stage-3 down, stage-3 block
    return new int[][] {{3, 32, h0, w0, 2}, {32, 64, h0 / 4, w0 / 4, 2}, {64, 64, h0 / 8, w0 / 8, 1},
        {64, 128, h0 / 8, w0 / 8, 2}, {128, 128, h0 / 16, w0 / 16, 1},
        {128, 256, h0 / 16, w0 / 16, 2}, {256, 256, h0 / 32, w0 / 32, 1}};
  }

  static double timeCtx(DynamicCustomOp op, INDArray[] in, INDArray[] out, long[] iargs, boolean helpers, int reps) {
    OpContext oc = Nd4j.getExecutioner().buildContext();
    oc.setInputArrays(in);
    oc.setOutputArrays(out);
    oc.setIArguments(iargs);
    oc.allowHelpers(helpers);
    return time(() -> Nd4j.exec(op, oc), reps);
  }

  static double relDiff(INDArray a, INDArray b) {
    return a.sub(b).amaxNumber().doubleValue() / b.amaxNumber().doubleValue();
  }

  static void helpers(int reps, int h0, int w0) {
    int n = 64;
    double[] total = new double[4];
    for (int[] l : layers(h0, w0)) {
      int ci = l[0], co = l[1], h = l[2], w = l[3], s = l[4];
      int oh = (h + s - 1) / s, ow = (w + s - 1) / s;
      INDArray x = Nd4j.randn(DataType.FLOAT, n, ci, h, w);
      INDArray wt = Nd4j.randn(DataType.FLOAT, 3, 3, ci, co);
      INDArray b = Nd4j.randn(DataType.FLOAT, co);
      INDArray g = Nd4j.randn(DataType.FLOAT, n, co, oh, ow);
      long[] iargs = {3, 3, s, s, 0, 0, 1, 1, 1, 0, 0}; // SAME padding, NCHW, [kH,kW,iC,oC]
      // the integer arguments come with the op context (timeCtx)
      DynamicCustomOp fwd = DynamicCustomOp.builder("conv2d").addInputs(x, wt, b).build();
      DynamicCustomOp bwd = DynamicCustomOp.builder("conv2d_bp").addInputs(x, wt, b, g).build();
      INDArray y1 = Nd4j.create(DataType.FLOAT, n, co, oh, ow), y2 = y1.ulike();
      INDArray[] gr1 = {x.ulike(), wt.ulike(), b.ulike()}, gr2 = {x.ulike(), wt.ulike(), b.ulike()};
      double f1 = timeCtx(fwd, new INDArray[] {x, wt, b}, new INDArray[] {y1}, iargs, true, reps);
      double f0 = timeCtx(fwd, new INDArray[] {x, wt, b}, new INDArray[] {y2}, iargs, false, reps);
      double b1 = timeCtx(bwd, new INDArray[] {x, wt, b, g}, gr1, iargs, true, reps);
      double b0 = timeCtx(bwd, new INDArray[] {x, wt, b, g}, gr2, iargs, false, reps);
      total[0] += f1;
      total[1] += f0;
      total[2] += b1;
      total[3] += b0;
      System.out.printf("%3d->%3d %3dx%-3d s%d: forward oneDNN %.2f / libnd4j %.2f ms, backward oneDNN %.2f / libnd4j %.2f ms"
              + " (differences: output %.1e, input grad %.1e, weight grad %.1e)%n",
          ci, co, h, w, s, f1, f0, b1, b0, relDiff(y2, y1), relDiff(gr2[0], gr1[0]), relDiff(gr2[1], gr1[1]));
    }
    System.out.printf("total: forward oneDNN %.1f / libnd4j %.1f ms, backward oneDNN %.1f / libnd4j %.1f ms%n",
        total[0], total[1], total[2], total[3]);
  }

  static void thin(int reps, int c, int h, int w) {
    int n = 64;
    for (int kw : new int[] {3, 1}) {
      INDArray x = Nd4j.randn(DataType.FLOAT, n, c, h, w);
      INDArray wt = Nd4j.randn(DataType.FLOAT, 3, kw, c, c);
      INDArray b = Nd4j.randn(DataType.FLOAT, c);
      INDArray g = Nd4j.randn(DataType.FLOAT, n, c, h, w);
      DynamicCustomOp f = DynamicCustomOp.builder("conv2d").addInputs(x, wt, b).addOutputs(g.ulike())
          .addIntegerArguments(3, kw, 1, 1, 0, 0, 1, 1, 1, 0, 0).build(); // SAME, NCHW, HWIO
      DynamicCustomOp bp = DynamicCustomOp.builder("conv2d_bp").addInputs(x, wt, b, g)
          .addOutputs(x.ulike(), wt.ulike(), b.ulike()).addIntegerArguments(3, kw, 1, 1, 0, 0, 1, 1, 1, 0, 0).build();
      System.out.printf("%d->%d on %dx%d, kernel 3x%d: forward %.2f ms, backward %.2f ms%n",
          c, c, h, w, kw, time(() -> Nd4j.exec(f), reps), time(() -> Nd4j.exec(bp), reps));
    }
  }

  static void bn(int reps, int n, int c, int h, int w) {
    INDArray x = Nd4j.randn(DataType.FLOAT, n, c, h, w);
    INDArray g = Nd4j.randn(DataType.FLOAT, n, c, h, w);
    INDArray mean = x.mean(0, 2, 3), var = x.var(false, 0, 2, 3);
    INDArray gamma = Nd4j.rand(DataType.FLOAT, c).addi(0.5), beta = Nd4j.randn(DataType.FLOAT, c);
    INDArray[] out = {x.ulike(), mean.ulike(), var.ulike(), gamma.ulike(), beta.ulike()};
    DynamicCustomOp op = DynamicCustomOp.builder("batchnorm_bp")
        .addInputs(x, mean, var, gamma, beta, g).addOutputs(out)
        .addIntegerArguments(1, 1, 1).addFloatingPointArguments(1e-5).build();
    INDArray reference = null;
    for (boolean helpers : new boolean[] {true, false, true, false}) {
      OpContext oc = Nd4j.getExecutioner().buildContext();
      oc.setInputArrays(x, mean, var, gamma, beta, g);
      oc.setOutputArrays(out);
      oc.setIArguments(1, 1, 1);
      oc.setTArguments(1e-5);
      oc.allowHelpers(helpers);
      double ms = time(() -> Nd4j.exec(op, oc), reps);
      if (reference == null) {
        reference = out[0].dup();
      }
      double diff = out[0].sub(reference).amaxNumber().doubleValue() / reference.amaxNumber().doubleValue();
      System.out.printf("batchnorm_bp %s [%d,%d,%d,%d]: %.3f ms, %.2f ns/element (input-gradient difference %.1e)%n",
          helpers ? "oneDNN " : "libnd4j", n, c, h, w, ms, ms * 1e6 / x.length(), diff);
    }
  }
}
