package org.tbps4j.bench.search;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.bench.ProcessMemory;
import org.tbps4j.data.image.ImageSettings;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;
import org.tbps4j.data.text.Vocabulary;
import org.tbps4j.model.ModelAttachments;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.model.search.Progress;
import org.tbps4j.search.ImageSources;
import org.tbps4j.search.IndexBuilder;
import org.tbps4j.search.ModelBundle;
import org.tbps4j.search.Searcher;
import org.tbps4j.search.index.IndexHit;
import org.tbps4j.search.index.IndexInfo;
import org.tbps4j.search.index.IndexedImage;
import org.tbps4j.search.index.LuceneIndex;
import org.tbps4j.search.index.SearchMode;
import org.tbps4j.search.serve.LoadGenerator;
import org.tbps4j.search.serve.SearchServer;
import org.tbps4j.search.serve.ServerConfig;

/**
 * The persistent index ({@code tbps bench index}). (1) Build: random unit vectors written into a
 * Lucene HNSW index (vectors/s, merge time, disk size), and images embedded and indexed end to end
 * by a model with random weights (images/s: bound by embedding). (2) Queries: one-query latency
 * (p50/p95) and multi-threaded throughput for HNSW and exact, recall@k of HNSW against exact, heap
 * and RSS. (3) Optionally: {@code tbps serve}'s server on loopback under a closed-loop load of
 * {@code clients} clients for {@code seconds}, then again with garbage every {@code
 * garbageEvery}-th request.
 */
public final class IndexBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(IndexBenchmark.class);

  /**
   * The benchmark's gallery of vectors.
   *
   * @param vectors index size, {@code >= k}
   * @param dim embedding size D, {@code >= 2}
   * @param distribution {@code random} (i.i.d. unit vectors, the hardest case for HNSW) or {@code
   *     clustered} (5 vectors around each of {@code vectors / 5} centres, queries near a centre)
   * @param seed seed of the vectors, queries, captions and model
   */
  public record Vectors(int vectors, int dim, String distribution, long seed) {
    /** Validates. */
    public Vectors {
      if (dim < 2) {
        throw new IllegalArgumentException("dim must be >= 2, got " + dim);
      }
      if (!distribution.equals("random") && !distribution.equals("clustered")) {
        throw new IllegalArgumentException(
            "the distribution must be random or clustered, got " + distribution);
      }
    }
  }

  /**
   * The HNSW graph.
   *
   * @param m degree
   * @param beamWidth construction beam
   * @param efs candidates per query, one result row each; the first one at or above the recall
   *     target also serves
   * @param recallTarget recall@k of HNSW against exact the serving ef must reach
   * @param ramBufferMiB the writer's RAM buffer while the vectors are added: Lucene builds each
   *     in-memory segment's graph as documents arrive and every flush starts a new graph that a
   *     merge later re-inserts, so a bulk load with a buffer that holds the whole gallery writes
   *     one segment per indexing thread and merges once (see docs/search.md)
   * @param merge merge the segments into one graph at the end; without it a query searches the
   *     graphs of all segments at once (the build of {@code tbps index build --no-merge})
   */
  public record Hnsw(
      int m,
      int beamWidth,
      List<Integer> efs,
      double recallTarget,
      double ramBufferMiB,
      boolean merge) {
    /** Copies the list. */
    public Hnsw {
      efs = List.copyOf(efs);
      if (efs.isEmpty()) {
        throw new IllegalArgumentException("at least one ef is needed");
      }
      LuceneIndex.checkRamBufferMiB(ramBufferMiB); // before the old index is deleted
    }
  }

  /**
   * The query measurement.
   *
   * @param k results per query, {@code >= 1}
   * @param queries timed single queries per mode, {@code >= 1}
   * @param recallQueries queries for recall@k of HNSW against exact
   * @param threads threads for the build and the throughput, {@code >= 1}
   */
  public record Queries(int k, int queries, int recallQueries, int threads) {
    /** Validates. */
    public Queries {
      if (k < 1 || queries < 1 || threads < 1) {
        throw new IllegalArgumentException(
            "k, queries and threads must be >= 1, got " + List.of(k, queries, threads));
      }
    }
  }

  /**
   * The end-to-end build and the model.
   *
   * @param images synthetic images embedded and indexed end to end (0 = skip)
   * @param preset model size for embedding and query encoding (random weights)
   */
  public record EndToEnd(int images, String preset) {}

  /**
   * The HTTP load test.
   *
   * @param serve whether to run it
   * @param clients concurrent clients, {@code >= 1}
   * @param seconds duration of each load run, {@code >= 1}
   * @param garbageEvery the second run sends garbage every n-th request (0 = skip it)
   */
  public record Load(boolean serve, int clients, int seconds, int garbageEvery) {
    /** Validates. */
    public Load {
      if (clients < 1 || seconds < 1) {
        throw new IllegalArgumentException(
            "clients and seconds must be >= 1, got " + List.of(clients, seconds));
      }
    }
  }

  /**
   * Everything.
   *
   * @param vectors the gallery of vectors
   * @param hnsw the graph
   * @param queries the query measurement
   * @param endToEnd the end-to-end build
   * @param load the load test
   * @param dir where to build; null: a temporary folder, deleted at the end
   * @param reuse reuse an index already in {@code dir} with the same size and dimension
   */
  public record Options(
      Vectors vectors,
      Hnsw hnsw,
      Queries queries,
      EndToEnd endToEnd,
      Load load,
      Path dir,
      boolean reuse) {
    /** Validates. */
    public Options {
      if (vectors.vectors() < queries.k()) {
        throw new IllegalArgumentException(
            "the index must hold at least k = "
                + queries.k()
                + " vectors, got "
                + vectors.vectors());
      }
    }
  }

  private final int vectors;
  private final int dim;
  private final int k;
  private final int queries;
  private final int recallQueries;
  private final int threads;
  private final int hnswM;
  private final int hnswBeam;
  private final double ramBufferMiB;
  private final boolean merge;
  private final List<Integer> efs;
  private final double recallTarget;
  private final String distribution;
  private final int embedImages;
  private final String preset;
  private final Path dir;
  private final boolean reuse;
  private final boolean serve;
  private final int clients;
  private final int seconds;
  private final int garbageEvery;
  private final long seed;

  private IndexBenchmark(Options o) {
    vectors = o.vectors().vectors();
    dim = o.vectors().dim();
    distribution = o.vectors().distribution();
    seed = o.vectors().seed();
    hnswM = o.hnsw().m();
    hnswBeam = o.hnsw().beamWidth();
    ramBufferMiB = o.hnsw().ramBufferMiB();
    merge = o.hnsw().merge();
    efs = o.hnsw().efs();
    recallTarget = o.hnsw().recallTarget();
    k = o.queries().k();
    queries = o.queries().queries();
    recallQueries = o.queries().recallQueries();
    threads = o.queries().threads();
    embedImages = o.endToEnd().images();
    preset = o.endToEnd().preset();
    serve = o.load().serve();
    clients = o.load().clients();
    seconds = o.load().seconds();
    garbageEvery = o.load().garbageEvery();
    dir = o.dir();
    reuse = o.reuse();
  }

  /**
   * Runs the benchmark and reports, as {@code tbps bench index} prints it: the settings, {@code
   * build_end_to_end} (when images are embedded), {@code build}, {@code queries} (exact, one row
   * per ef, the serving ef, memory) and {@code serve} (with the load test).
   *
   * @param options what to measure
   * @return the report, a JSON object (field order as printed)
   * @throws Exception on I/O failures, or when exact search does not find an indexed vector first
   */
  public static Map<String, Object> report(Options options) throws Exception {
    return new IndexBenchmark(options).run();
  }

  private Map<String, Object> run() throws Exception {
    boolean temp = dir == null;
    Path work = temp ? Files.createTempDirectory("tbps-bench-index") : dir;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "index");
    out.put("vectors", vectors);
    out.put("dim", dim);
    out.put("k", k);
    out.put("hnsw_m", hnswM);
    out.put("hnsw_beam_width", hnswBeam);
    out.put("ram_buffer_mib", ramBufferMiB);
    out.put("merge", merge);
    out.put("ef_search", efs);
    out.put("distribution", distribution);
    out.put("cores", Runtime.getRuntime().availableProcessors());
    out.put("max_heap_mib", Math.round(ProcessMemory.maxHeapMiB()));
    try {
      ModelBundle bundle = ModelBundle.open(randomModel(work.resolve("model.zip")));
      if (embedImages > 0) {
        out.put("build_end_to_end", endToEnd(bundle, work));
      }
      Path index = work.resolve("index-" + vectors + "x" + dim);
      out.put("build", build(bundle, index));
      try (LuceneIndex idx = LuceneIndex.openReadOnly(index)) {
        Map<String, Object> q = queries(idx);
        out.put("queries", q);
        idx.setEfSearch((Integer) q.get("serving_ef"));
        if (serve) {
          out.put("serve", serve(bundle, idx, work));
        }
      }
    } finally {
      if (temp) {
        deleteTree(work);
      }
    }
    return out;
  }

  /** A model of the chosen size with random weights and embedding size D (speed, not accuracy). */
  private Path randomModel(Path file) throws IOException {
    if (Files.exists(file)) {
      return file;
    }
    Vocabulary vocab = Vocabulary.fromCaptions(captions(200, new Random(seed)), 1);
    TbpsModel m =
        TbpsModel.create(
            ModelConfig.preset(preset, 100, vocab.size()).toBuilder()
                .optImageSize(128, 64)
                .optEmbeddingDim(dim)
                .optSeed(seed)
                .build());
    m.putAttachment(ModelAttachments.VOCABULARY, vocab.toJson());
    m.putAttachment(ModelAttachments.PREPROCESSING, ImageSettings.imagenet(128, 64).toJson());
    m.save(file, false);
    return file;
  }

  private static final String[] WORDS = {
    "man",
    "woman",
    "red",
    "blue",
    "black",
    "white",
    "green",
    "grey",
    "coat",
    "shirt",
    "skirt",
    "trousers",
    "shorts",
    "backpack",
    "handbag",
    "shoes",
    "sneakers",
    "hair",
    "long",
    "short",
    "striped",
    "checked",
    "wearing",
    "carrying",
    "a",
    "with",
    "and",
    "in",
    "cap",
    "yellow"
  };

  /** {@code n} random captions: "a" and 6 to 17 words of {@link #WORDS}. */
  private static List<String> captions(int n, Random r) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StringBuilder b = new StringBuilder("a");
      for (int w = 0, len = 6 + r.nextInt(12); w < len; w++) {
        b.append(' ').append(WORDS[r.nextInt(WORDS.length)]);
      }
      out.add(b.toString());
    }
    return out;
  }

  private Map<String, Object> endToEnd(ModelBundle bundle, Path work) throws Exception {
    Path data = work.resolve("synthetic");
    int ids = Math.max(3, embedImages / 3);
    if (!Files.isDirectory(data)) {
      SyntheticDataset.generate(new SynthConfig(ids, 3, 3, seed, 128, 64, 2), data);
    }
    var items = ImageSources.folder(data.resolve("imgs"), LOG::warn);
    items = items.subList(0, Math.min(items.size(), embedImages));
    Path index = work.resolve("index-images");
    deleteTree(index);
    IndexBuilder.Report r;
    try (LuceneIndex idx = LuceneIndex.openWritable(index, hnswM, hnswBeam)) {
      r =
          new IndexBuilder(
                  bundle,
                  new IndexBuilder.Options(64, 2, 1 << 20, hnswM, hnswBeam, true),
                  Progress.NONE,
                  LOG::warn)
              .build(idx, data.resolve("imgs"), "images:bench", items);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("images", r.embedded());
    m.put("seconds", round(r.seconds()));
    m.put("images_per_s", round(r.embedded() / r.seconds()));
    m.put("preset", preset);
    m.put("image_size", "128x64");
    return m;
  }

  private Map<String, Object> build(ModelBundle bundle, Path index) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    if (reuse && Files.isDirectory(index)) {
      try (LuceneIndex idx = LuceneIndex.openReadOnly(index)) {
        if (idx.size() == vectors && idx.info().orElseThrow().dim() == dim) {
          m.put("reused", true);
          m.put("segments", idx.segments());
          m.put("disk_mib", round(diskMiB(index)));
          return m;
        }
      }
    }
    deleteTree(index);
    long t0 = System.nanoTime();
    try (LuceneIndex idx = LuceneIndex.openWritable(index, hnswM, hnswBeam)) {
      idx.setRamBufferMiB(ramBufferMiB);
      int batch = 1024;
      int batches = (vectors + batch - 1) / batch;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          final int first = t;
          fs.add(
              pool.submit(
                  () -> {
                    for (int b = first; b < batches; b += threads) {
                      int from = b * batch;
                      int n = Math.min(batch, vectors - from);
                      List<IndexedImage> docs = new ArrayList<>(n);
                      float[][] v = new float[n][];
                      for (int i = 0; i < n; i++) {
                        docs.add(
                            new IndexedImage(
                                String.format("v/%08d.jpg", from + i), from + i, 64, 128));
                        v[i] = item(from + i);
                      }
                      idx.add(docs, v);
                      if (b % 100 == 99) {
                        LOG.info("indexed about {} of {} vectors", (long) (b + 1) * batch, vectors);
                      }
                    }
                    return null;
                  }));
        }
        for (Future<?> f : fs) {
          f.get();
        }
      } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
        throw new IOException("indexing failed: " + e, e);
      } finally {
        pool.shutdownNow();
      }
      Instant now = Instant.now();
      IndexInfo info =
          new IndexInfo(
              bundle.contentHash(),
              bundle.file().toString(),
              dim,
              index.toString(),
              "bench",
              now,
              now,
              false,
              hnswM,
              hnswBeam);
      idx.commit(info);
      double added = (System.nanoTime() - t0) / 1e9;
      m.put("add_seconds", round(added));
      m.put("segments_before_merge", idx.segments());
      long t1 = System.nanoTime();
      if (merge) {
        idx.forceMerge();
      }
      idx.commit(info.withComplete(true, Instant.now()));
      double merged = (System.nanoTime() - t1) / 1e9;
      m.put("merged", merge);
      m.put("merge_seconds", round(merged));
      m.put("segments", idx.segments()); // commit refreshed the reader
      m.put("vectors_per_s", round(vectors / (added + merged)));
    }
    m.put("disk_mib", round(diskMiB(index)));
    m.put("raw_vectors_mib", round((double) vectors * dim * 4 / (1 << 20)));
    return m;
  }

  /** Item i of the benchmark's gallery (a pure function of i and the seed). */
  private float[] item(int i) {
    if (distribution.equals("random")) {
      return unit(new Random(seed * 1_000_003L + i), dim);
    }
    float[] c = unit(new Random(seed * 7_919L + i / 5), dim);
    return near(c, new Random(seed * 1_000_003L + i));
  }

  /** Query j (near a random centre when clustered). */
  private float[] query(int j) {
    Random r = new Random(seed * 31L + 17 + j);
    if (distribution.equals("random")) {
      return unit(r, dim);
    }
    int centre = r.nextInt(Math.max(1, vectors / 5));
    return near(unit(new Random(seed * 7_919L + centre), dim), r);
  }

  private float[] near(float[] c, Random r) {
    float[] noise = unit(r, dim);
    float[] v = new float[dim];
    double s = 0;
    for (int j = 0; j < dim; j++) {
      v[j] = c[j] + 0.6f * noise[j];
      s += v[j] * v[j];
    }
    float inv = (float) (1 / Math.sqrt(s));
    for (int j = 0; j < dim; j++) {
      v[j] *= inv;
    }
    return v;
  }

  private Map<String, Object> queries(LuceneIndex idx) throws Exception {
    int n = Math.max(queries, recallQueries);
    float[][] q = new float[n][];
    for (int i = 0; i < n; i++) {
      q[i] = query(i);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    // correctness: an indexed vector finds itself first, by both paths
    IndexHit self = idx.search(item(vectors / 2), 1, SearchMode.EXACT).get(0);
    String want = String.format("v/%08d.jpg", vectors / 2);
    if (!self.image().path().equals(want) || Math.abs(self.score() - 1) > 1e-4) {
      throw new IllegalStateException("exact search returned " + self + " for " + want);
    }
    ProcessMemory.resetPeaks();
    int rq = Math.min(recallQueries, n);
    List<Set<String>> truth = new ArrayList<>();
    for (int i = 0; i < rq; i++) {
      Set<String> t = new HashSet<>();
      for (IndexHit h : idx.search(q[i], k, SearchMode.EXACT)) {
        t.add(h.image().path());
      }
      truth.add(t);
    }
    m.put("exact", latency(idx, q, Math.min(queries, rq), SearchMode.EXACT));
    List<Map<String, Object>> rows = new ArrayList<>();
    Integer serving = null;
    for (int ef : efs) {
      idx.setEfSearch(ef);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("ef", ef);
      double recall = 0;
      for (int i = 0; i < rq; i++) {
        Set<String> t = truth.get(i);
        long found =
            idx.search(q[i], k, SearchMode.HNSW).stream()
                .filter(h -> t.contains(h.image().path()))
                .count();
        recall += (double) found / t.size();
      }
      recall /= rq;
      row.put("recall_at_k_vs_exact", round(recall));
      row.putAll(latency(idx, q, queries, SearchMode.HNSW));
      rows.add(row);
      if (serving == null && recall >= recallTarget) {
        serving = ef;
      }
    }
    m.put("hnsw", rows);
    m.put("recall_queries", rq);
    m.put("serving_ef", serving != null ? serving : efs.get(efs.size() - 1));
    m.put("serving_ef_meets_recall_target", serving != null);
    System.gc();
    m.put(
        "heap_used_mib_after_gc",
        round(
            (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1048576.0));
    m.put("peak_rss_mib", Math.round(ProcessMemory.peakRssMiB()));
    return m;
  }

  private Map<String, Object> latency(LuceneIndex idx, float[][] q, int count, SearchMode mode)
      throws Exception {
    for (int i = 0; i < Math.min(20, count); i++) {
      idx.search(q[i], k, mode); // warm-up
    }
    double[] ms = new double[count];
    for (int i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      idx.search(q[i], k, mode);
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("queries", count);
    row.put("p50_ms", round(pct(ms, 50)));
    row.put("p95_ms", round(pct(ms, 95)));
    row.put("mean_ms", round(Arrays.stream(ms).average().orElse(0)));
    row.put("throughput_qps", round(throughput(idx, q, count, mode)));
    row.put("throughput_threads", threads);
    return row;
  }

  private double throughput(LuceneIndex idx, float[][] q, int count, SearchMode mode)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long t0 = System.nanoTime();
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        final int start = t;
        fs.add(
            pool.submit(
                () -> {
                  for (int i = start; i < count; i += threads) {
                    idx.search(q[i], k, mode);
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      return count / ((System.nanoTime() - t0) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  private Map<String, Object> serve(ModelBundle bundle, LuceneIndex idx, Path work)
      throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    Searcher searcher = Searcher.forServing(bundle, idx);
    Files.createDirectories(work.resolve("images"));
    try (SearchServer server =
        SearchServer.start(
            searcher,
            ServerConfig.defaults(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                null,
                work.resolve("images")))) {
      LoadGenerator load =
          new LoadGenerator(server.url(), null, captions(1000, new Random(seed + 2)), k);
      load.run(Math.min(4, clients), Duration.ofSeconds(Math.min(5, seconds)), 0); // warm-up
      m.put("clients", clients);
      m.put("clean", load.run(clients, Duration.ofSeconds(seconds), 0).toMap());
      if (garbageEvery > 0) {
        Map<String, Object> g =
            load.run(clients, Duration.ofSeconds(seconds), garbageEvery).toMap();
        g.put("garbage_every", garbageEvery);
        m.put("with_garbage", g);
      }
    }
    return m;
  }

  private static float[] unit(Random r, int d) {
    float[] v = new float[d];
    double s = 0;
    for (int j = 0; j < d; j++) {
      v[j] = (float) r.nextGaussian();
      s += v[j] * v[j];
    }
    float inv = (float) (1 / Math.sqrt(s));
    for (int j = 0; j < d; j++) {
      v[j] *= inv;
    }
    return v;
  }

  private static double pct(double[] sorted, double p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static double diskMiB(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum() / 1048576.0;
    }
  }

  private static double round(double x) {
    return Math.round(x * 1000) / 1000.0;
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
