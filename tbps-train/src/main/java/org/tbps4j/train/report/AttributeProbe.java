package org.tbps4j.train.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tbps4j.data.CaptionRecord;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.Split;
import org.tbps4j.data.iter.GalleryIterator;
import org.tbps4j.data.synth.Attribute;
import org.tbps4j.data.synth.SynthAttributes;
import org.tbps4j.eval.LinearProbe;

/**
 * Which synthetic attributes a model's embeddings encode, per modality: a {@link LinearProbe} per
 * attribute, fitted on one split's embeddings and evaluated on another's. Image rows are labelled
 * with the person's value (bag and cap colour only for people who have one); caption rows only when
 * the caption mentions the attribute, with the mentioned value. An attribute the retrieval
 * embedding ignores probes at its majority baseline; one it encodes, well above it.
 *
 * <p>Complements the report's failure breakdown (which attribute a failed query's top image
 * contradicts): the probe says on which side — image path, text path or both — an attribute is
 * lost.
 */
public final class AttributeProbe {

  /** Which embeddings are probed. */
  public enum Side {
    /** Image embeddings, labelled with the person's attribute values. */
    IMAGE,
    /** Caption embeddings, labelled with what the caption mentions. */
    TEXT
  }

  /**
   * One probe.
   *
   * @param attribute the attribute
   * @param side image or caption embeddings
   * @param result accuracy, majority baseline and row counts
   */
  public record Row(Attribute attribute, Side side, LinearProbe.Result result) {}

  /**
   * Embeddings of one split with what they show.
   *
   * @param imagePaths image path per image row (relative to the dataset root)
   * @param imageIds person id per image row
   * @param images image embeddings {@code [images][D]}
   * @param captions caption per text row
   * @param texts caption embeddings {@code [captions][D]}
   */
  public record Embedded(
      List<String> imagePaths,
      long[] imageIds,
      double[][] images,
      List<CaptionRecord> captions,
      double[][] texts) {}

  private AttributeProbe() {}

  /**
   * A split's embeddings with what they show, from embeddings computed elsewhere (tbps-search's
   * {@code Searcher.embedSplit} and {@code Searcher.embedCaptions}: the probe itself runs no
   * model).
   *
   * @param dataset the dataset
   * @param split the split
   * @param images image embeddings {@code [G, D]}, in gallery order ({@code dataset.images(split)})
   * @param texts caption embeddings {@code [Q, D]}, in caption order ({@code
   *     dataset.captions(split)})
   * @return the embeddings with their paths, ids and captions
   * @throws IllegalArgumentException when the row counts do not match the split
   */
  public static Embedded of(PedesDataset dataset, Split split, INDArray images, INDArray texts) {
    List<CaptionRecord> captions = dataset.captions(split);
    List<String> paths = GalleryIterator.imagePaths(dataset, split);
    if (images.size(0) != paths.size() || texts.size(0) != captions.size()) {
      throw new IllegalArgumentException(
          "the "
              + split
              + " split has "
              + paths.size()
              + " images and "
              + captions.size()
              + " captions, the embeddings "
              + images.size(0)
              + " and "
              + texts.size(0)
              + " rows");
    }
    return new Embedded(
        paths,
        GalleryIterator.personIds(dataset, split),
        images.toDoubleMatrix(),
        captions,
        texts.toDoubleMatrix());
  }

  /**
   * Probes every attribute on both sides. An attribute/side pair is left out when the fitted split
   * shows fewer than two of its values or the evaluated split none.
   *
   * @param attrs the synthetic attribute table
   * @param fit the embeddings the probes are fitted on
   * @param eval the embeddings they are evaluated on
   * @param ridge the ridge λ
   * @return one row per attribute and side, attributes in {@link Attribute} order, image first
   * @throws IllegalArgumentException when an image's person or a caption's image is missing from
   *     the attribute table (the table belongs to another dataset)
   */
  public static List<Row> probe(SynthAttributes attrs, Embedded fit, Embedded eval, double ridge) {
    List<Row> rows = new ArrayList<>();
    for (Attribute a : Attribute.values()) {
      for (Side side : Side.values()) {
        Labelled f = labelled(attrs, fit, a, side);
        Labelled e = labelled(attrs, eval, a, side);
        if (f.x.isEmpty() || e.x.isEmpty() || distinct(f.y) < 2) {
          continue;
        }
        LinearProbe.Result r =
            LinearProbe.evaluate(
                f.x.toArray(new double[0][]),
                f.y.stream().mapToInt(Integer::intValue).toArray(),
                e.x.toArray(new double[0][]),
                e.y.stream().mapToInt(Integer::intValue).toArray(),
                a.options().size(),
                ridge);
        rows.add(new Row(a, side, r));
      }
    }
    return rows;
  }

  private record Labelled(List<double[]> x, List<Integer> y) {}

  private static Labelled labelled(SynthAttributes attrs, Embedded s, Attribute a, Side side) {
    List<double[]> x = new ArrayList<>();
    List<Integer> y = new ArrayList<>();
    if (side == Side.IMAGE) {
      for (int i = 0; i < s.images().length; i++) {
        Map<Attribute, String> person = attrs.identities().get(s.imageIds()[i]);
        if (person == null) {
          throw new IllegalArgumentException(
              "person "
                  + s.imageIds()[i]
                  + " ("
                  + s.imagePaths().get(i)
                  + ") is not in "
                  + SynthAttributes.FILE);
        }
        add(x, y, s.images()[i], a, person.get(a), s.imagePaths().get(i));
      }
    } else {
      for (int i = 0; i < s.texts().length; i++) {
        CaptionRecord c = s.captions().get(i);
        List<Map<Attribute, String>> perCaption = attrs.mentions().get(c.imagePath());
        if (perCaption == null || c.captionIndex() >= perCaption.size()) {
          throw new IllegalArgumentException(
              "caption "
                  + c.captionIndex()
                  + " of "
                  + c.imagePath()
                  + " is not in "
                  + SynthAttributes.FILE);
        }
        add(
            x,
            y,
            s.texts()[i],
            a,
            perCaption.get(c.captionIndex()).get(a),
            c.imagePath() + " caption " + c.captionIndex());
      }
    }
    return new Labelled(x, y);
  }

  private static void add(
      List<double[]> x, List<Integer> y, double[] row, Attribute a, String v, String where) {
    if (v == null) {
      return; // not mentioned, or a colour of a bag/cap the person does not have
    }
    int k = a.options().indexOf(v);
    if (k < 0) {
      throw new IllegalArgumentException(
          SynthAttributes.FILE
              + ": "
              + where
              + ": "
              + a.jsonName()
              + " '"
              + v
              + "' is not one of "
              + a.options());
    }
    x.add(row);
    y.add(k);
  }

  private static int distinct(List<Integer> y) {
    return (int) y.stream().distinct().count();
  }
}
