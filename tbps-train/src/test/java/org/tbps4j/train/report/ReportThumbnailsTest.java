package org.tbps4j.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.data.CaptionRecord;
import org.tbps4j.data.Split;
import org.tbps4j.eval.RetrievalMetrics;
import org.tbps4j.train.SplitEvaluator;

/** The report's thumbnails open images only inside the dataset's image folder, links resolved. */
class ReportThumbnailsTest {
  @TempDir Path dir;

  static void png(Path file, Color c) throws Exception {
    Files.createDirectories(file.getParent());
    BufferedImage img = new BufferedImage(8, 16, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(c);
    g.fillRect(0, 0, 8, 16);
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  private static SplitEvaluator.Outcome outcome(List<String> paths) {
    List<CaptionRecord> q = List.of(new CaptionRecord(Split.TEST, 1, paths.get(0), 0, 0, "a man"));
    int[] top = new int[paths.size()];
    for (int i = 0; i < top.length; i++) {
      top[i] = i;
    }
    long[] ids = new long[paths.size()];
    java.util.Arrays.fill(ids, 1);
    return new SplitEvaluator.Outcome(
        Split.TEST,
        new RetrievalMetrics(1, 1, 1, 1, 1, 1, 0),
        q,
        new int[] {1},
        new int[][] {top},
        ids,
        paths,
        0.1);
  }

  private static HtmlReport.Input input(Path root, List<String> paths) {
    return new HtmlReport.Input("t", outcome(paths), root, null, 1, Map.of());
  }

  @Test
  void aThumbnailOfALinkOutOfTheImageFolderIsRefused() throws Exception {
    Path root = dir.resolve("ds");
    png(root.resolve("imgs/a.png"), Color.RED);
    png(dir.resolve("private/photo.png"), Color.BLUE);
    Files.createSymbolicLink(root.resolve("imgs/leak.png"), dir.resolve("private/photo.png"));
    String ok = HtmlReport.render(input(root, List.of("imgs/a.png")));
    assertEquals(1, ok.split("data:image/jpeg;base64,", -1).length - 1, "one thumbnail");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> HtmlReport.render(input(root, List.of("imgs/a.png", "imgs/leak.png"))));
    assertTrue(e.getMessage().contains("imgs/leak.png"), e.getMessage());
    assertTrue(e.getMessage().contains("outside"), e.getMessage());
  }
}
