package org.tbps4j.search.solr;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.CloudHttp2SolrClient;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.request.ConfigSetAdminRequest;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrDocumentList;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.params.CursorMarkParams;
import org.apache.solr.common.util.ContentStreamBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.search.ImageItem;
import org.tbps4j.search.index.IndexHit;
import org.tbps4j.search.index.IndexInfo;
import org.tbps4j.search.index.IndexedImage;
import org.tbps4j.search.index.SearchMode;
import org.tbps4j.search.index.VectorIndex;

/**
 * The gallery index as a SolrCloud collection. Every image is a document (id = its relative path,
 * {@code kind:image}) with its unit embedding in a {@code DenseVectorField} (HNSW, dot product);
 * the {@link IndexInfo} is a document of its own ({@code id:_tbps_meta}). A missing collection is
 * created on the first commit of a build, from a configset this class writes (the embedding
 * dimension and HNSW parameters in its schema), with the requested shards and replicas: Solr
 * distributes and replicates, TBPS4J only talks to it through SolrJ.
 *
 * <p>HNSW queries use Solr's {@code knn} query parser ({@code topK = max(k, efSearch)} per shard,
 * merged by Solr); exact queries rank every image by the {@code vectorSimilarity} function. Reads
 * that fail on a connection (a node stopping while the client still routes to it) are retried on
 * the other nodes, up to {@link #READ_ATTEMPTS} times; writes are not retried.
 */
public final class SolrIndex implements VectorIndex {
  private static final Logger LOG = LoggerFactory.getLogger(SolrIndex.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String META_ID = "_tbps_meta";
  static final int READ_ATTEMPTS = 4;

  /**
   * How a new collection is laid out.
   *
   * @param shards shards
   * @param replicas replicas per shard (NRT)
   * @param hnswM HNSW degree in the schema
   * @param hnswBeamWidth HNSW construction beam width in the schema
   */
  public record Layout(int shards, int replicas, int hnswM, int hnswBeamWidth) {
    /**
     * Validates the layout.
     *
     * @throws IllegalArgumentException when a value is out of range
     */
    public Layout {
      if (shards < 1 || shards > 1024 || replicas < 1 || replicas > 16) {
        throw new IllegalArgumentException(
            "--shards must be in 1..1024 and --replicas in 1..16, got "
                + shards
                + " and "
                + replicas);
      }
    }
  }

  private final List<String> urls;
  private final String collection;
  private final Layout layout;
  private final SolrClient client;
  private final java.util.concurrent.atomic.AtomicLong retries =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean exists;
  private volatile int efSearch = 100;

  private SolrIndex(List<String> urls, String collection, Layout layout, SolrClient client) {
    this.urls = List.copyOf(urls);
    this.collection = collection;
    this.layout = layout;
    this.client = client;
  }

  /**
   * Connects to a SolrCloud cluster.
   *
   * @param urls one or more node URLs ({@code http://host:8983/solr})
   * @param collection the collection
   * @param layout shards, replicas and HNSW parameters of a collection this index creates
   * @param writable whether the caller writes (a missing collection is then created on commit)
   * @return the index
   * @throws IOException on other I/O errors
   * @throws IllegalArgumentException when the cluster cannot be reached, or the collection is
   *     missing and the caller only reads
   */
  public static SolrIndex open(
      List<String> urls, String collection, Layout layout, boolean writable) throws IOException {
    if (!collection.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
      throw new IllegalArgumentException(
          "--collection " + collection + ": use letters, digits, '.', '_' and '-'");
    }
    SolrClient c = new CloudHttp2SolrClient.Builder(urls).withDefaultCollection(collection).build();
    SolrIndex idx = new SolrIndex(urls, collection, layout, c);
    try {
      idx.exists = CollectionAdminRequest.listCollections(c).contains(collection);
    } catch (SolrServerException | IOException | RuntimeException e) {
      c.close();
      // a URL nobody answers at is the user's to fix: reported as bad input, naming the URLs
      throw new IllegalArgumentException(
          "cannot reach SolrCloud at " + String.join(",", urls) + ": " + e.getMessage(), e);
    }
    if (!idx.exists && !writable) {
      c.close();
      throw new IllegalArgumentException(
          "SolrCloud at " + urls + " has no collection " + collection);
    }
    return idx;
  }

  /**
   * Sets the HNSW candidates per query and shard ({@code topK}).
   *
   * @param ef candidates, {@code >= 1}
   */
  public void setEfSearch(int ef) {
    if (ef < 1) {
      throw new IllegalArgumentException("efSearch must be >= 1, got " + ef);
    }
    this.efSearch = ef;
  }

  @Override
  public String describe() {
    return "solr collection " + collection + " at " + String.join(",", urls);
  }

  /**
   * The SolrJ client (for tests and tools).
   *
   * @return the client
   */
  public SolrClient client() {
    return client;
  }

  /**
   * Reads that failed on a connection and were tried again.
   *
   * @return the count since this index was opened
   */
  public long retries() {
    return retries.get();
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Optional<IndexInfo> info() throws IOException {
    if (!exists) {
      return Optional.empty();
    }
    SolrDocument d = read(() -> client.getById(collection, META_ID));
    if (d == null) {
      return Optional.empty();
    }
    Map<String, String> m =
        JSON.readValue(
            (String) d.getFirstValue("info"),
            new TypeReference<LinkedHashMap<String, String>>() {});
    return Optional.of(IndexInfo.fromMap(m, describe()));
  }

  @Override
  public long size() throws IOException {
    if (!exists) {
      return 0;
    }
    SolrQuery q = new SolrQuery("kind:image").setRows(0);
    return read(() -> client.query(collection, q)).getResults().getNumFound();
  }

  @Override
  public Set<String> paths() throws IOException {
    Set<String> out = new HashSet<>();
    if (!exists) {
      return out;
    }
    String cursor = CursorMarkParams.CURSOR_MARK_START;
    while (true) {
      SolrQuery q = new SolrQuery("kind:image").setFields("id").setRows(1000);
      q.setSort("id", SolrQuery.ORDER.asc);
      q.set(CursorMarkParams.CURSOR_MARK_PARAM, cursor);
      QueryResponse r = read(() -> client.query(collection, q));
      for (SolrDocument d : r.getResults()) {
        out.add((String) d.getFirstValue("id"));
      }
      String next = r.getNextCursorMark();
      if (next == null || next.equals(cursor)) {
        return out;
      }
      cursor = next;
    }
  }

  @Override
  public Optional<IndexedImage> get(String path) throws IOException {
    if (!exists || path.equals(META_ID)) {
      return Optional.empty();
    }
    SolrDocument d = read(() -> client.getById(collection, path));
    return d == null || !"image".equals(d.getFirstValue("kind"))
        ? Optional.empty()
        : Optional.of(image(d));
  }

  @Override
  public List<IndexHit> search(float[] query, int k, SearchMode mode) throws IOException {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    if (!exists) {
      return List.of();
    }
    String vec = vector(query);
    SolrQuery q = new SolrQuery();
    if (mode == SearchMode.HNSW) {
      q.setQuery("{!knn f=vector topK=" + Math.max(k, efSearch) + "}" + vec);
    } else {
      q.setQuery("{!func}vectorSimilarity(vector," + vec + ")");
      q.addFilterQuery("kind:image");
    }
    q.setFields("id", "person_id", "width", "height", "score");
    q.setRows(k);
    q.setSort("score", SolrQuery.ORDER.desc);
    q.addSort("id", SolrQuery.ORDER.asc);
    q.set("shards.tolerant", false);
    QueryResponse r =
        read(
            () ->
                client.query(collection, q, org.apache.solr.client.solrj.SolrRequest.METHOD.POST));
    Object partial = r.getHeader() == null ? null : r.getHeader().get("partialResults");
    if (Boolean.TRUE.equals(partial)) {
      throw new IOException(describe() + ": Solr answered with partial results");
    }
    List<IndexHit> hits = new ArrayList<>();
    for (SolrDocument d : r.getResults()) {
      // Solr's dot_product score is (1 + cos) / 2, as Lucene's
      double score = 2.0 * ((Number) d.getFirstValue("score")).doubleValue() - 1.0;
      hits.add(new IndexHit(image(d), score));
    }
    hits.sort(
        Comparator.comparingDouble((IndexHit h) -> -h.score())
            .thenComparing(h -> h.image().path()));
    return hits;
  }

  private static String vector(float[] v) {
    StringBuilder b = new StringBuilder(v.length * 12).append('[');
    for (int i = 0; i < v.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(Float.toString(v[i]));
    }
    return b.append(']').toString();
  }

  private static IndexedImage image(SolrDocument d) {
    Object id = d.getFirstValue("person_id");
    return new IndexedImage(
        (String) d.getFirstValue("id"),
        id == null ? ImageItem.UNKNOWN_ID : ((Number) id).longValue(),
        ((Number) d.getFirstValue("width")).intValue(),
        ((Number) d.getFirstValue("height")).intValue());
  }

  private interface Read<T> {
    T run() throws SolrServerException, IOException;
  }

  private <T> T read(Read<T> r) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return r.run();
      } catch (SolrServerException | IOException | SolrException e) {
        boolean retry =
            attempt < READ_ATTEMPTS
                && !(e instanceof SolrException se && se.code() >= 400 && se.code() < 500);
        if (!retry) {
          throw new IOException(describe() + ": " + e.getMessage(), e);
        }
        retries.incrementAndGet();
        LOG.debug("read from {} failed ({}), attempt {} again", describe(), e.toString(), attempt);
        try {
          Thread.sleep(100L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", ie);
        }
      }
    }
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void add(List<IndexedImage> images, float[][] vectors) throws IOException {
    if (images.size() != vectors.length) {
      throw new IllegalArgumentException(
          images.size() + " images but " + vectors.length + " vectors");
    }
    if (!exists) {
      throw new IllegalStateException(describe() + ": commit the metadata before adding images");
    }
    List<SolrInputDocument> docs = new ArrayList<>(images.size());
    for (int i = 0; i < vectors.length; i++) {
      IndexedImage im = images.get(i);
      checkUnit(vectors[i], im.path());
      SolrInputDocument d = new SolrInputDocument();
      d.addField("id", im.path());
      d.addField("kind", "image");
      if (im.hasId()) {
        d.addField("person_id", im.personId());
      }
      d.addField("width", im.width());
      d.addField("height", im.height());
      List<Float> v = new ArrayList<>(vectors[i].length);
      for (float x : vectors[i]) {
        v.add(x);
      }
      d.addField("vector", v);
      docs.add(d);
    }
    write(() -> client.add(collection, docs));
  }

  private static void checkUnit(float[] v, String path) {
    double n = 0;
    for (float x : v) {
      if (!Float.isFinite(x)) {
        throw new IllegalArgumentException("the embedding of " + path + " is not finite");
      }
      n += (double) x * x;
    }
    if (Math.abs(n - 1) > 1e-3) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "the embedding of %s has squared norm %.6f; the index needs unit vectors",
              path,
              n));
    }
  }

  @Override
  public long remove(Collection<String> paths) throws IOException {
    if (!exists || paths.isEmpty()) {
      return 0;
    }
    List<String> ids = new ArrayList<>(new HashSet<>(paths));
    ids.remove(META_ID);
    long held = 0;
    for (int from = 0; from < ids.size(); from += 500) {
      List<String> part = ids.subList(from, Math.min(ids.size(), from + 500));
      SolrDocumentList found = read(() -> client.getById(collection, part));
      held += found.size();
      write(() -> client.deleteById(collection, part));
    }
    return held;
  }

  @Override
  public void commit(IndexInfo info) throws IOException {
    if (!exists) {
      create(info);
    }
    SolrInputDocument meta = new SolrInputDocument();
    meta.addField("id", META_ID);
    meta.addField("kind", "meta");
    meta.addField("info", JSON.writeValueAsString(info.toMap()));
    write(() -> client.add(collection, meta));
    write(() -> client.commit(collection, true, true));
  }

  private interface Write {
    void run() throws SolrServerException, IOException;
  }

  private void write(Write w) throws IOException {
    try {
      w.run();
    } catch (SolrServerException | SolrException e) {
      throw new IOException(describe() + ": " + e.getMessage(), e);
    }
  }

  /** Uploads the configset (schema with this index's dimension) and creates the collection. */
  private void create(IndexInfo info) throws IOException {
    String configSet = "tbps4j-" + collection;
    byte[] zip = configSetZip(info.dim(), layout.hnswM(), layout.hnswBeamWidth());
    ConfigSetAdminRequest.Upload up = new ConfigSetAdminRequest.Upload();
    up.setConfigSetName(configSet);
    up.setUploadStream(
        new ContentStreamBase.ByteArrayStream(zip, configSet + ".zip", "application/octet-stream"));
    up.setOverwrite(true);
    write(() -> up.process(client));
    write(
        () ->
            CollectionAdminRequest.createCollection(
                    collection, configSet, layout.shards(), layout.replicas())
                .process(client));
    LOG.info(
        "created {} ({} shards x {} replicas, configset {})",
        describe(),
        layout.shards(),
        layout.replicas(),
        configSet);
    exists = true;
  }

  /**
   * The configset of a collection: {@code solrconfig.xml} and {@code schema.xml} with the dimension
   * and HNSW parameters filled in, as a zip.
   *
   * @param dim embedding dimension
   * @param m HNSW degree
   * @param beam HNSW beam width
   * @return the zip's bytes
   * @throws IOException if a resource is missing
   */
  static byte[] configSetZip(int dim, int m, int beam) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry("solrconfig.xml"));
      z.write(resource("solrconfig.xml"));
      z.closeEntry();
      String schema =
          new String(resource("schema.xml"), StandardCharsets.UTF_8)
              .replace("${dim}", Integer.toString(dim))
              .replace("${m}", Integer.toString(m))
              .replace("${beam}", Integer.toString(beam));
      z.putNextEntry(new ZipEntry("schema.xml"));
      z.write(schema.getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    }
    return out.toByteArray();
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = SolrIndex.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("resource " + name + " is missing from the jar");
      }
      return in.readAllBytes();
    }
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
