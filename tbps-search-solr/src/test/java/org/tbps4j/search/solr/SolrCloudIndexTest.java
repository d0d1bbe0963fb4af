package org.tbps4j.search.solr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettySolrRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.data.DatasetFormat;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.Split;
import org.tbps4j.data.image.ImageSettings;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;
import org.tbps4j.data.text.Vocabulary;
import org.tbps4j.model.ModelAttachments;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.model.search.Progress;
import org.tbps4j.search.ImageItem;
import org.tbps4j.search.ImageSources;
import org.tbps4j.search.IndexBuilder;
import org.tbps4j.search.ModelBundle;
import org.tbps4j.search.ModelQueryEncoder;
import org.tbps4j.search.Searcher;
import org.tbps4j.search.index.IndexHit;
import org.tbps4j.search.index.IndexInfo;
import org.tbps4j.search.index.LuceneIndex;
import org.tbps4j.search.index.SearchMode;
import org.tbps4j.search.index.VectorIndex;
import org.tbps4j.search.index.VectorIndexProvider;
import org.tbps4j.search.serve.SearchServer;
import org.tbps4j.search.serve.ServerConfig;

/**
 * The index as a SolrCloud collection on a real in-process cluster (MiniSolrCloudCluster: two
 * nodes, a collection of two shards with two replicas each), built from a synthetic gallery with
 * the same builder as the Lucene index and compared with it; then one node is stopped while queries
 * run.
 */
class SolrCloudIndexTest {
  @TempDir static Path tmp;
  static MiniSolrCloudCluster cluster;
  static ModelBundle bundle;
  static Path data;
  static List<ImageItem> items;
  static List<String> urls;
  static final List<String> QUERIES =
      List.of(
          "a man in a red coat",
          "a woman in a blue skirt",
          "red",
          "a woman in a red coat",
          "a man",
          "blue coat");

  @BeforeAll
  static void setUp() throws Exception {
    data = tmp.resolve("data");
    SyntheticDataset.generate(new SynthConfig(16, 2, 3, 41, 32, 16, 1), data);
    PedesDataset ds = PedesDataset.load(DatasetFormat.CUHK_PEDES, data).requireUsable();
    items = new ArrayList<>();
    for (Split s : Split.values()) {
      items.addAll(ImageSources.split(ds, s));
    }
    bundle = ModelBundle.open(microModel(tmp.resolve("model.zip")));
    long t0 = System.nanoTime();
    cluster = new MiniSolrCloudCluster.Builder(2, tmp.resolve("solr")).configure();
    urls = new ArrayList<>();
    for (JettySolrRunner j : cluster.getJettySolrRunners()) {
      urls.add(j.getBaseUrl().toString());
    }
    System.out.printf("cluster up in %.1f s: %s%n", (System.nanoTime() - t0) / 1e9, urls);
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  /** An untrained micro model with the attachments a bundle needs (its vectors are arbitrary). */
  static Path microModel(Path file) throws IOException {
    Vocabulary vocab =
        Vocabulary.fromCaptions(List.of("a man in a red coat", "a woman in a blue skirt"), 1);
    TbpsModel m =
        TbpsModel.create(
            ModelConfig.preset("micro", 4, vocab.size()).toBuilder()
                .optImageSize(32, 16)
                .optMaxLength(8)
                .optSeed(5)
                .build());
    m.putAttachment(ModelAttachments.VOCABULARY, vocab.toJson());
    m.putAttachment(ModelAttachments.PREPROCESSING, ImageSettings.imagenet(32, 16).toJson());
    m.save(file, false);
    return file;
  }

  private static IndexBuilder builder() {
    return new IndexBuilder(
        bundle, new IndexBuilder.Options(16, 1, 10, 16, 100, true), Progress.NONE, w -> {});
  }

  private static List<String> paths(List<IndexHit> hits) {
    return hits.stream().map(h -> h.image().path()).toList();
  }

  @Test
  void theCollectionAnswersAsTheLuceneIndexAndSurvivesANodeStop() throws Exception {
    Path lucene = tmp.resolve("lucene");
    try (LuceneIndex l = LuceneIndex.openWritable(lucene, 16, 100)) {
      builder().build(l, data, "data:" + data + ":all", items);
    }
    Map<String, String> settings =
        Map.of(
            "url", String.join(",", urls), "collection", "gallery", "shards", "2", "replicas", "2");
    try (VectorIndex solr = VectorIndexProvider.find("solr").open(settings, true)) {
      assertTrue(solr.info().isEmpty());
      IndexBuilder.Report r = builder().build(solr, data, "data:" + data + ":all", items);
      assertEquals(items.size(), r.embedded());
      assertEquals(items.size(), solr.size());
    }
    cluster.waitForActiveCollection("gallery", 2, 4);
    ModelQueryEncoder enc = new ModelQueryEncoder(bundle);
    try (LuceneIndex l = LuceneIndex.openReadOnly(lucene);
        SolrIndex solr =
            (SolrIndex)
                VectorIndexProvider.find("solr")
                    .open(Map.of("url", String.join(",", urls), "collection", "gallery"), false)) {
      IndexInfo li = l.info().orElseThrow();
      IndexInfo si = solr.info().orElseThrow();
      assertEquals(li.modelHash(), si.modelHash());
      assertEquals(li.dim(), si.dim());
      assertTrue(si.complete());
      assertEquals(l.paths(), solr.paths());
      assertEquals(l.get(items.get(3).path()), solr.get(items.get(3).path()));
      // every query: Solr's exact and HNSW results equal Lucene's exact ones, scores included
      List<List<String>> expected = new ArrayList<>();
      for (String text : QUERIES) {
        float[] q = enc.encode(List.of(text))[0];
        List<IndexHit> truth = l.search(q, 10, SearchMode.EXACT);
        expected.add(paths(truth));
        for (SearchMode mode : SearchMode.values()) {
          List<IndexHit> got = solr.search(q, 10, mode);
          assertEquals(paths(truth), paths(got), text + " " + mode);
          for (int i = 0; i < truth.size(); i++) {
            assertEquals(truth.get(i).score(), got.get(i).score(), 1e-5);
            assertEquals(truth.get(i).image(), got.get(i).image());
          }
        }
      }
      // the server over the collection
      try (SearchServer server =
          SearchServer.start(
              new Searcher(enc, solr),
              ServerConfig.defaults(
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, data))) {
        HttpResponse<String> resp =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(server.url() + "/v1/search"))
                        .header("Content-Type", "application/json")
                        .POST(
                            HttpRequest.BodyPublishers.ofString(
                                "{\"query\": \"" + QUERIES.get(0) + "\", \"k\": 10}"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertEquals(200, resp.statusCode(), resp.body());
        var hits =
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(resp.body()).get("hits");
        for (int i = 0; i < 10; i++) {
          assertEquals(expected.get(0).get(i), hits.get(i).get("path").asText());
        }
      }
      // a node stops while queries run: with two replicas per shard no hit is lost
      AtomicBoolean run = new AtomicBoolean(true);
      AtomicInteger done = new AtomicInteger();
      ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < 2; c++) {
        final int cid = c;
        Thread t =
            new Thread(
                () -> {
                  int n = cid;
                  while (run.get()) {
                    int i = n++ % QUERIES.size();
                    SearchMode mode = (n % 2 == 0) ? SearchMode.HNSW : SearchMode.EXACT;
                    try {
                      float[] q = enc.encode(List.of(QUERIES.get(i)))[0];
                      List<String> got = paths(solr.search(q, 10, mode));
                      if (!got.equals(expected.get(i))) {
                        problems.add(QUERIES.get(i) + " " + mode + ": " + got);
                      }
                      done.incrementAndGet();
                    } catch (IOException | RuntimeException e) {
                      problems.add(QUERIES.get(i) + " " + mode + ": " + e);
                    }
                  }
                });
        t.start();
        clients.add(t);
      }
      waitFor(done, 10);
      int before = done.get();
      JettySolrRunner stopped = cluster.stopJettySolrRunner(1);
      cluster.waitForJettyToStop(stopped);
      int atStop = done.get();
      waitFor(done, atStop + 20);
      run.set(false);
      for (Thread t : clients) {
        t.join(TimeUnit.SECONDS.toMillis(60));
      }
      assertEquals(List.of(), List.copyOf(problems));
      assertTrue(done.get() >= atStop + 20, "queries after the stop: " + (done.get() - atStop));
      System.out.printf(
          "%d queries before the stop, %d after, no error; %d reads retried%n",
          before, done.get() - atStop, solr.retries());
    }
  }

  private static void waitFor(AtomicInteger done, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (done.get() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }
}
