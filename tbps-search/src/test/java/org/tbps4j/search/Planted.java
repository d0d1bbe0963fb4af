package org.tbps4j.search;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.tbps4j.search.index.IndexInfo;
import org.tbps4j.search.index.IndexedImage;
import org.tbps4j.search.index.LuceneIndex;

/**
 * Planted data for index and server tests (no model): random unit vectors, tiny image files, and a
 * query encoder that maps chosen texts to chosen vectors.
 */
public final class Planted {
  private Planted() {}

  /** A model hash for planted indexes. */
  public static final String HASH = "ab".repeat(32);

  /** Random unit vectors. */
  public static float[][] unitVectors(int n, int d, long seed) {
    Random r = new Random(seed);
    float[][] v = new float[n][d];
    for (float[] row : v) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        row[j] = (float) r.nextGaussian();
        s += row[j] * row[j];
      }
      float inv = (float) (1 / Math.sqrt(s));
      for (int j = 0; j < d; j++) {
        row[j] *= inv;
      }
    }
    return v;
  }

  /** Metadata for a planted index. */
  public static IndexInfo info(int d, Path root) {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    return new IndexInfo(
        HASH, "/models/planted.zip", d, root.toString(), "images:" + root, t, t, true, 16, 100);
  }

  /** Writes a small JPEG per path under root, a different colour each. */
  public static void images(Path root, List<String> paths) throws IOException {
    int i = 0;
    for (String p : paths) {
      Path f = root.resolve(p);
      Files.createDirectories(f.getParent());
      BufferedImage img = new BufferedImage(16, 32, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      g.setColor(new Color(Color.HSBtoRGB(i++ / (float) paths.size(), 0.8f, 0.9f)));
      g.fillRect(0, 0, 16, 32);
      g.dispose();
      ImageIO.write(img, "jpg", f.toFile());
    }
  }

  /** Paths {@code cam1/p0000.jpg …}. */
  public static List<String> paths(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(String.format("cam%d/p%04d.jpg", i % 3, i));
    }
    return out;
  }

  /** Builds a planted Lucene index: item i has person id i / 2 and vector v[i]. */
  public static void build(Path dir, Path root, List<String> paths, float[][] v)
      throws IOException {
    try (LuceneIndex idx = LuceneIndex.openWritable(dir, 16, 100)) {
      List<IndexedImage> docs = new ArrayList<>();
      for (int i = 0; i < paths.size(); i++) {
        docs.add(new IndexedImage(paths.get(i), i / 2, 16, 32));
      }
      idx.add(docs, v);
      idx.commit(info(v[0].length, root));
    }
  }

  /** A query encoder answering planted texts with planted vectors (others: a fixed vector). */
  public static final class Encoder implements QueryEncoder {
    private final Map<String, float[]> table = new HashMap<>();
    private final int d;
    public volatile long delayMillis;

    /** While not null and closed, every encode call waits for it. */
    public volatile java.util.concurrent.CountDownLatch gate;

    /** An encoder of dimension d. */
    public Encoder(int d) {
      this.d = d;
    }

    /** Plants a query. */
    public Encoder put(String text, float[] v) {
      table.put(text, v);
      return this;
    }

    @Override
    public int dim() {
      return d;
    }

    @Override
    public float[][] encode(List<String> texts) {
      java.util.concurrent.CountDownLatch g = gate;
      if (g != null) {
        try {
          g.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (delayMillis > 0) {
        try {
          Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      float[][] out = new float[texts.size()][];
      for (int i = 0; i < out.length; i++) {
        out[i] = table.getOrDefault(texts.get(i), unitVectors(1, d, 99)[0]);
      }
      return out;
    }
  }
}
