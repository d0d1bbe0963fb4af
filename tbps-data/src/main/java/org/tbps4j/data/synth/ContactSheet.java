package org.tbps4j.data.synth;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.tbps4j.data.DatasetFormat;
import org.tbps4j.data.ImageCheck;
import org.tbps4j.data.ImageRecord;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.ReadOptions;
import org.tbps4j.data.Split;

/**
 * A contact sheet of a CUHK-PEDES-layout dataset (the synthetic one, for the README): one row per
 * person with their images side by side and the first caption beside them. Reads the dataset with
 * the ordinary reader, so it shows exactly what training sees.
 */
public final class ContactSheet {
  private static final int GAP = 6;
  private static final int TEXT_WIDTH = 330;

  private ContactSheet() {}

  /**
   * Writes a contact sheet PNG.
   *
   * @param datasetRoot a dataset in CUHK-PEDES layout
   * @param png the output file
   * @param people number of rows (persons, the first ones of the train split)
   * @param imagesPerPerson images shown per person (at most)
   * @return the sheet's size {@code {width, height}}
   * @throws IOException on read or write failure
   * @throws IllegalArgumentException if the dataset is unusable or the counts are below 1
   */
  public static int[] write(Path datasetRoot, Path png, int people, int imagesPerPerson)
      throws IOException {
    if (people < 1 || imagesPerPerson < 1) {
      throw new IllegalArgumentException("people and images per person must be >= 1");
    }
    PedesDataset ds =
        PedesDataset.load(
                DatasetFormat.CUHK_PEDES,
                datasetRoot,
                null,
                ReadOptions.defaults().withImageCheck(ImageCheck.EXISTS))
            .requireUsable();
    Map<Long, List<ImageRecord>> byId = new LinkedHashMap<>();
    for (ImageRecord r : ds.images(Split.TRAIN)) {
      if (byId.size() < people || byId.containsKey(r.personId())) {
        byId.computeIfAbsent(r.personId(), k -> new ArrayList<>()).add(r);
      }
    }
    List<List<BufferedImage>> rows = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    int cellW = 0;
    int cellH = 0;
    for (List<ImageRecord> imgs : byId.values()) {
      List<BufferedImage> row = new ArrayList<>();
      for (ImageRecord r : imgs.subList(0, Math.min(imagesPerPerson, imgs.size()))) {
        BufferedImage b = ImageIO.read(ds.resolve(r.imagePath()).toFile());
        row.add(b);
        cellW = Math.max(cellW, b.getWidth());
        cellH = Math.max(cellH, b.getHeight());
      }
      rows.add(row);
      texts.add(imgs.get(0).captions().isEmpty() ? "" : imgs.get(0).captions().get(0).caption());
    }
    int width = GAP + imagesPerPerson * (cellW + GAP) + TEXT_WIDTH;
    int height = GAP + rows.size() * (cellH + GAP);
    BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
      g.setFont(font);
      for (int i = 0; i < rows.size(); i++) {
        int y = GAP + i * (cellH + GAP);
        for (int j = 0; j < rows.get(i).size(); j++) {
          g.drawImage(rows.get(i).get(j), GAP + j * (cellW + GAP), y, null);
        }
        drawText(g, texts.get(i), GAP + imagesPerPerson * (cellW + GAP), y, TEXT_WIDTH - GAP);
      }
    } finally {
      g.dispose();
    }
    ImageIO.write(sheet, "png", png.toFile());
    return new int[] {width, height};
  }

  private static void drawText(Graphics2D g, String text, int x, int y, int maxWidth) {
    try {
      g.setColor(new Color(30, 30, 30));
      FontMetrics fm = g.getFontMetrics();
      int line = fm.getHeight();
      int yy = y + fm.getAscent() + 2;
      StringBuilder cur = new StringBuilder();
      for (String word : text.split(" ")) {
        String next = cur.length() == 0 ? word : cur + " " + word;
        if (fm.stringWidth(next) > maxWidth && cur.length() > 0) {
          g.drawString(cur.toString(), x, yy);
          yy += line;
          cur = new StringBuilder(word);
        } else {
          cur = new StringBuilder(next);
        }
      }
      if (cur.length() > 0) {
        g.drawString(cur.toString(), x, yy);
      }
    } catch (RuntimeException | Error e) {
      // no fonts on this machine (minimal headless JRE): the sheet keeps the images only
    }
  }
}
