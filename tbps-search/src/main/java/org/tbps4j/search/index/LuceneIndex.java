package org.tbps4j.search.index;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.VectorUtil;
import org.tbps4j.search.ImageItem;

/**
 * The embedded gallery index: one Lucene 9.12 directory. Each image is a document with a {@link
 * KnnFloatVectorField} (HNSW graph, dot product on L2-normalised vectors), its stored relative path
 * (the key), its person id when known, and its width and height; the {@link IndexInfo} is the user
 * data of every commit, so the metadata and the documents are committed together and a killed build
 * leaves the last commit intact. HNSW queries ask each segment's graph for {@code max(k, efSearch)}
 * candidates; exact queries score every live vector.
 *
 * <p>A writable index holds Lucene's write lock (another writer gets a clear error); any number of
 * read-only handles can search while it is written and pick up its commits with {@link #refresh}.
 */
public final class LuceneIndex implements VectorIndex {
  static final String F_PATH = "path";
  static final String F_ID = "person_id";
  static final String F_WIDTH = "width";
  static final String F_HEIGHT = "height";
  static final String F_VECTOR = "vector";

  /**
   * Default number of HNSW candidates a query explores ({@code efSearch}) when the index does not
   * record its own.
   */
  public static final int DEFAULT_EF_SEARCH = IndexInfo.DEFAULT_EF_SEARCH;

  private final Path dir;
  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager manager;
  private final int writerM;
  private final int writerBeam;
  private volatile int efSearch = DEFAULT_EF_SEARCH;

  private LuceneIndex(
      Path dir,
      Directory directory,
      IndexWriter writer,
      SearcherManager manager,
      int writerM,
      int writerBeam) {
    this.dir = dir;
    this.directory = directory;
    this.writer = writer;
    this.manager = manager;
    this.writerM = writerM;
    this.writerBeam = writerBeam;
  }

  /**
   * Opens an existing index for searching, with the search width the index records ({@link
   * IndexInfo#hnswEfSearch}; {@link #setEfSearch} changes it).
   *
   * @param dir the index directory
   * @return the index
   * @throws NoSuchFileException when the directory does not exist
   * @throws IllegalArgumentException when it holds no TBPS4J index
   * @throws IOException on read errors
   */
  public static LuceneIndex openReadOnly(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "no such index directory");
    }
    Directory d = FSDirectory.open(dir);
    try {
      if (!DirectoryReader.indexExists(d)) {
        throw new IllegalArgumentException(dir + ": no index in this directory");
      }
      LuceneIndex idx = new LuceneIndex(dir, d, null, new SearcherManager(d, null), 0, 0);
      Optional<IndexInfo> info = idx.info();
      if (info.isEmpty()) {
        idx.manager.close();
        throw new IllegalArgumentException(
            dir + ": not a TBPS4J index (its commit carries no index metadata)");
      }
      idx.efSearch = info.get().hnswEfSearch();
      return idx;
    } catch (IOException | RuntimeException e) {
      d.close();
      throw e;
    }
  }

  /**
   * Opens an index for writing, creating it when the directory holds none. An index that records
   * its HNSW parameters ({@link IndexInfo}) keeps them: every segment written or merged from now on
   * uses the recorded degree and beam width, whatever is passed here, so the whole index has one
   * graph layout (and an index built with other defaults stays as it was built).
   *
   * @param dir the index directory (created if missing)
   * @param hnswM HNSW degree for a new index
   * @param beamWidth HNSW construction beam width for a new index
   * @return the index (holding the write lock until closed)
   * @throws IllegalArgumentException when another process writes the index
   * @throws IOException on I/O errors
   */
  public static LuceneIndex openWritable(Path dir, int hnswM, int beamWidth) throws IOException {
    Files.createDirectories(dir);
    Directory d = FSDirectory.open(dir);
    IndexWriter w;
    IndexInfo recorded = null;
    try {
      if (DirectoryReader.indexExists(d)) {
        Map<String, String> data = SegmentInfos.readLatestCommit(d).getUserData();
        if (!data.isEmpty()) {
          recorded = IndexInfo.fromMap(data, dir.toString());
          hnswM = recorded.hnswM();
          beamWidth = recorded.hnswBeamWidth();
        }
      }
      IndexWriterConfig cfg = new IndexWriterConfig();
      cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
      cfg.setCommitOnClose(false);
      cfg.setRAMBufferSizeMB(64);
      cfg.setCodec(codec(hnswM, beamWidth));
      w = new IndexWriter(d, cfg);
    } catch (LockObtainFailedException e) {
      d.close();
      throw new IllegalArgumentException(
          dir + ": the index is being written by another process (Lucene's write.lock is held)");
    } catch (IOException | RuntimeException e) {
      d.close();
      throw e;
    }
    try {
      LuceneIndex idx = new LuceneIndex(dir, d, w, new SearcherManager(w, null), hnswM, beamWidth);
      if (recorded != null) {
        idx.efSearch = recorded.hnswEfSearch();
      }
      return idx;
    } catch (IOException | RuntimeException e) {
      w.rollback();
      d.close();
      throw e;
    }
  }

  /** Threads that merge HNSW graphs (one per core, shared, daemon; created on first use). */
  private static ExecutorService mergePool() {
    return Pools.MERGE;
  }

  /** Threads that search the segments of one query after the first (one per core, daemon). */
  private static ExecutorService searchPool() {
    return Pools.SEARCH;
  }

  /** The pools, created when first asked for (the holder idiom: the JVM makes it thread-safe). */
  private static final class Pools {
    static final ExecutorService MERGE = daemonPool(POOL_THREADS, "tbps-hnsw-merge-");
    static final ExecutorService SEARCH = daemonPool(POOL_THREADS, "tbps-hnsw-search-");
  }

  private static ExecutorService daemonPool(int threads, String name) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(
        threads,
        r -> {
          Thread t = new Thread(r, name + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** Threads of each pool (graph merging, segment search): one per core. */
  private static final int POOL_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

  private static Lucene912Codec codec(int m, int beam) {
    KnnVectorsFormat f =
        POOL_THREADS > 1
            ? new Lucene99HnswVectorsFormat(m, beam, POOL_THREADS, mergePool())
            : new Lucene99HnswVectorsFormat(m, beam);
    return new Lucene912Codec() {
      @Override
      public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return f;
      }
    };
  }

  /**
   * Sets how many HNSW candidates a query explores (more: better recall, slower).
   *
   * @param ef candidates, {@code >= 1}
   */
  public void setEfSearch(int ef) {
    if (ef < 1) {
      throw new IllegalArgumentException("efSearch must be >= 1, got " + ef);
    }
    this.efSearch = ef;
  }

  /**
   * The HNSW candidates per query.
   *
   * @return {@code efSearch}
   */
  @Override
  public int efSearch() {
    return efSearch;
  }

  /**
   * The HNSW parameters segments written through this handle get.
   *
   * @return {@code {M, beam width}}, or {@code {0, 0}} for a read-only index
   */
  public int[] writerHnswParameters() {
    return new int[] {writerM, writerBeam};
  }

  /**
   * The index directory.
   *
   * @return the directory
   */
  public Path directory() {
    return dir;
  }

  @Override
  public String describe() {
    return dir.toString();
  }

  @Override
  public Optional<IndexInfo> info() throws IOException {
    Map<String, String> data;
    try {
      data = SegmentInfos.readLatestCommit(directory).getUserData();
    } catch (IndexNotFoundException e) {
      return Optional.empty();
    }
    if (data.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(IndexInfo.fromMap(data, dir.toString()));
  }

  @Override
  public long size() throws IOException {
    IndexSearcher s = manager.acquire();
    try {
      return s.getIndexReader().numDocs();
    } finally {
      manager.release(s);
    }
  }

  @Override
  public Set<String> paths() throws IOException {
    IndexSearcher s = manager.acquire();
    try {
      Set<String> out = new HashSet<>();
      for (LeafReaderContext ctx : s.getIndexReader().leaves()) {
        Terms terms = ctx.reader().terms(F_PATH);
        if (terms == null) {
          continue;
        }
        Bits live = ctx.reader().getLiveDocs();
        TermsEnum te = terms.iterator();
        PostingsEnum pe = null;
        for (BytesRef t = te.next(); t != null; t = te.next()) {
          pe = te.postings(pe, PostingsEnum.NONE);
          for (int doc = pe.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = pe.nextDoc()) {
            if (live == null || live.get(doc)) {
              out.add(t.utf8ToString());
              break;
            }
          }
        }
      }
      return out;
    } finally {
      manager.release(s);
    }
  }

  @Override
  public Optional<IndexedImage> get(String path) throws IOException {
    IndexSearcher s = manager.acquire();
    try {
      TopDocs td = s.search(new TermQuery(new Term(F_PATH, path)), 1);
      if (td.scoreDocs.length == 0) {
        return Optional.empty();
      }
      return Optional.of(image(s, td.scoreDocs[0].doc));
    } finally {
      manager.release(s);
    }
  }

  @Override
  public void add(List<IndexedImage> images, float[][] vectors) throws IOException {
    requireWritable();
    if (images.size() != vectors.length) {
      throw new IllegalArgumentException(
          images.size() + " images but " + vectors.length + " vectors");
    }
    for (int i = 0; i < vectors.length; i++) {
      checkUnit(vectors[i], images.get(i).path());
      IndexedImage im = images.get(i);
      Document doc = new Document();
      doc.add(new StringField(F_PATH, im.path(), org.apache.lucene.document.Field.Store.YES));
      if (im.hasId()) {
        doc.add(new StoredField(F_ID, im.personId()));
      }
      doc.add(new StoredField(F_WIDTH, im.width()));
      doc.add(new StoredField(F_HEIGHT, im.height()));
      doc.add(new KnnFloatVectorField(F_VECTOR, vectors[i], VectorSimilarityFunction.DOT_PRODUCT));
      writer.updateDocument(new Term(F_PATH, im.path()), doc);
    }
  }

  /**
   * Checks that a vector is finite and of unit length (dot product needs it).
   *
   * @param v the vector
   * @param path the image, for the message
   * @throws IllegalArgumentException when it is not
   */
  static void checkUnit(float[] v, String path) {
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
    requireWritable();
    Set<String> held = new HashSet<>();
    for (String p : new HashSet<>(paths)) {
      if (get(p).isPresent()) {
        held.add(p);
      }
    }
    Term[] terms = held.stream().map(p -> new Term(F_PATH, p)).toArray(Term[]::new);
    if (terms.length > 0) {
      writer.deleteDocuments(terms);
      manager.maybeRefreshBlocking();
    }
    return held.size();
  }

  @Override
  public void commit(IndexInfo info) throws IOException {
    requireWritable();
    writer.setLiveCommitData(info.toMap().entrySet());
    writer.commit();
    manager.maybeRefreshBlocking();
  }

  /**
   * Sets how much the writer buffers before it flushes a segment (Lucene's live RAM buffer; the
   * default is 64 MiB). Lucene builds a segment's HNSW graph while documents are buffered and a
   * merge inserts the vectors of all but the largest segment again, so a bulk load with a buffer
   * that holds everything flushes one graph per indexing thread and merges once; the buffer must
   * fit the heap (about 1.6 KiB per 256-dimensional vector at the default degree), and Lucene still
   * flushes one thread's buffer when it passes its per-thread limit (1,945 MiB).
   *
   * @param mib buffer size, {@code >= 1}
   */
  public void setRamBufferMiB(double mib) {
    requireWritable();
    writer.getConfig().setRAMBufferSizeMB(checkRamBufferMiB(mib));
  }

  /**
   * Checks a writer RAM buffer size before any work starts (callers that validate their options up
   * front use it too).
   *
   * @param mib buffer size
   * @return {@code mib}
   * @throws IllegalArgumentException unless {@code mib >= 1}
   */
  public static double checkRamBufferMiB(double mib) {
    if (!(mib >= 1)) {
      throw new IllegalArgumentException("the RAM buffer must be >= 1 MiB, got " + mib);
    }
    return mib;
  }

  /**
   * Merges the index into one segment (one HNSW graph: the fastest queries). Commit afterwards.
   *
   * @throws IOException on write errors
   */
  public void forceMerge() throws IOException {
    requireWritable();
    writer.forceMerge(1);
  }

  /**
   * Number of segments (one HNSW graph each).
   *
   * @return segments in the current reader
   * @throws IOException on read errors
   */
  public int segments() throws IOException {
    IndexSearcher s = manager.acquire();
    try {
      return s.getIndexReader().leaves().size();
    } finally {
      manager.release(s);
    }
  }

  @Override
  public void refresh() throws IOException {
    manager.maybeRefresh();
  }

  @Override
  public List<IndexHit> search(float[] query, int k, SearchMode mode) throws IOException {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    IndexSearcher s = manager.acquire();
    try {
      List<IndexHit> hits = new ArrayList<>();
      if (mode == SearchMode.HNSW) {
        List<Scored> best = approximate(s, query, Math.max(k, efSearch));
        for (int i = 0; i < Math.min(k, best.size()); i++) {
          // Lucene's DOT_PRODUCT score is (1 + cos) / 2
          hits.add(new IndexHit(image(s, best.get(i).doc), 2.0 * best.get(i).score - 1.0));
        }
      } else {
        for (Scored sd : exact(s, query, k)) {
          hits.add(new IndexHit(image(s, sd.doc), sd.score));
        }
      }
      hits.sort(
          Comparator.comparingDouble((IndexHit h) -> -h.score())
              .thenComparing(h -> h.image().path()));
      return hits;
    } finally {
      manager.release(s);
    }
  }

  private record Scored(int doc, float score) {}

  /**
   * The {@code n} best documents by each segment's HNSW graph ({@code n} candidates per graph),
   * merged: best score first, equal scores by document. This asks the segments' graphs directly, as
   * {@code KnnFloatVectorQuery} does before it wraps the hits into a second query the searcher then
   * runs and collects. An index of several segments (a build with {@code --no-merge}) has its
   * graphs searched at once, the first on the calling thread and the others on the search pool, so
   * one query's latency is that of its largest graph rather than their sum (docs/search.md).
   */
  private static List<Scored> approximate(IndexSearcher s, float[] q, int n) throws IOException {
    List<LeafReaderContext> leaves = new ArrayList<>();
    for (LeafReaderContext ctx : s.getIndexReader().leaves()) {
      FieldInfo fi = ctx.reader().getFieldInfos().fieldInfo(F_VECTOR);
      if (fi == null || fi.getVectorDimension() == 0) {
        continue;
      }
      if (fi.getVectorDimension() != q.length) {
        throw new IllegalArgumentException(
            "the query has " + q.length + " dimensions, the index " + fi.getVectorDimension());
      }
      leaves.add(ctx);
    }
    List<Scored> all = new ArrayList<>();
    if (leaves.size() <= 1 || POOL_THREADS <= 1) {
      for (LeafReaderContext ctx : leaves) {
        all.addAll(nearest(ctx, q, n));
      }
    } else {
      List<Future<List<Scored>>> rest = new ArrayList<>();
      for (LeafReaderContext ctx : leaves.subList(1, leaves.size())) {
        rest.add(searchPool().submit(() -> nearest(ctx, q, n)));
      }
      try {
        all.addAll(nearest(leaves.get(0), q, n));
        for (Future<List<Scored>> f : rest) {
          all.addAll(f.get());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while searching the index's segments");
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof IOException io) {
          throw io;
        }
        if (c instanceof RuntimeException re) {
          throw re;
        }
        throw new IOException("searching a segment failed: " + c, c);
      } finally {
        for (Future<List<Scored>> f : rest) {
          f.cancel(false);
        }
      }
    }
    all.sort(Comparator.comparingDouble((Scored x) -> -x.score).thenComparingInt(x -> x.doc));
    return all.size() > n ? all.subList(0, n) : all;
  }

  /** One segment's graph: its {@code n} nearest live documents, as index-wide document numbers. */
  private static List<Scored> nearest(LeafReaderContext ctx, float[] q, int n) throws IOException {
    TopDocs td =
        ctx.reader()
            .searchNearestVectors(F_VECTOR, q, n, ctx.reader().getLiveDocs(), Integer.MAX_VALUE);
    List<Scored> out = new ArrayList<>(td.scoreDocs.length);
    for (ScoreDoc sd : td.scoreDocs) {
      out.add(new Scored(ctx.docBase + sd.doc, sd.score));
    }
    return out;
  }

  private static List<Scored> exact(IndexSearcher s, float[] q, int k) throws IOException {
    // min-heap on (score, then larger doc first) holding the best k
    PriorityQueue<Scored> heap =
        new PriorityQueue<>(
            k + 1,
            Comparator.comparingDouble((Scored x) -> x.score)
                .thenComparing(x -> -x.doc, Comparator.naturalOrder()));
    for (LeafReaderContext ctx : s.getIndexReader().leaves()) {
      FloatVectorValues vv = ctx.reader().getFloatVectorValues(F_VECTOR);
      if (vv == null) {
        continue;
      }
      if (vv.dimension() != q.length) {
        throw new IllegalArgumentException(
            "the query has " + q.length + " dimensions, the index " + vv.dimension());
      }
      Bits live = ctx.reader().getLiveDocs();
      for (int doc = vv.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = vv.nextDoc()) {
        if (live != null && !live.get(doc)) {
          continue;
        }
        float sc = VectorUtil.dotProduct(q, vv.vectorValue());
        if (heap.size() < k) {
          heap.add(new Scored(ctx.docBase + doc, sc));
        } else if (sc > heap.peek().score) {
          heap.poll();
          heap.add(new Scored(ctx.docBase + doc, sc));
        }
      }
    }
    List<Scored> out = new ArrayList<>(heap);
    out.sort(Comparator.comparingDouble((Scored x) -> -x.score).thenComparingInt(x -> x.doc));
    return out;
  }

  private static IndexedImage image(IndexSearcher s, int doc) throws IOException {
    Document d = s.storedFields().document(doc);
    var id = d.getField(F_ID);
    return new IndexedImage(
        d.get(F_PATH),
        id == null ? ImageItem.UNKNOWN_ID : id.numericValue().longValue(),
        d.getField(F_WIDTH).numericValue().intValue(),
        d.getField(F_HEIGHT).numericValue().intValue());
  }

  private void requireWritable() {
    if (writer == null) {
      throw new IllegalStateException(dir + " was opened read-only");
    }
  }

  /**
   * Releases the searcher; a writable index is closed without committing (what was not committed is
   * dropped, as after a kill).
   */
  @Override
  public void close() throws IOException {
    try {
      manager.close();
    } finally {
      try {
        if (writer != null) {
          writer.rollback();
        }
      } finally {
        directory.close();
      }
    }
  }
}
