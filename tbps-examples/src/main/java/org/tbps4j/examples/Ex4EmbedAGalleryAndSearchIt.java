package org.tbps4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.data.CaptionRecord;
import org.tbps4j.data.DatasetFormat;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.Split;
import org.tbps4j.data.iter.GalleryIterator;
import org.tbps4j.model.search.Embedder;
import org.tbps4j.model.search.Embeddings;
import org.tbps4j.model.search.Gallery;
import org.tbps4j.model.search.Progress;
import org.tbps4j.search.ModelBundle;
import org.tbps4j.search.Searcher;

/**
 * Example 4: a trained model as a search engine. Embed every image of a split once into a {@link
 * Gallery}, save it, and rank it for a sentence.
 *
 * <ol>
 *   <li>{@link ModelBundle#open} opens a model written by {@code tbps train} / {@code tbps
 *       quickstart} ({@code model.zip}) with what inference needs from it: the vocabulary and the
 *       image preprocessing.
 *   <li>{@link Searcher#embedSplit} embeds a split's images through the project's one
 *       image-embedding loop: decoding ahead on worker threads, then an {@link Embedder} that runs
 *       the inference outputs of the network (batch-norm running statistics, no dropout) in
 *       batches: L2-normalised {@code [N, D]} embeddings.
 *   <li>A {@link Gallery} holds the image embeddings with their person ids and paths; it is saved
 *       to one file and searched with a text embedding: the score is the cosine (plus {@code
 *       λ·S_set} when the model has an ESA head).
 * </ol>
 */
public final class Ex4EmbedAGalleryAndSearchIt {
  private Ex4EmbedAGalleryAndSearchIt() {}

  /**
   * What the example did.
   *
   * @param query the sentence searched for
   * @param queryPersonId the person the sentence describes
   * @param hits the best gallery images, best first
   * @param firstCorrectRank 1-based rank of the first image of the described person (0 if absent)
   * @param galleryFile where the gallery was saved
   * @param gallerySize number of images in the gallery
   */
  public record Result(
      String query,
      long queryPersonId,
      List<Gallery.Hit> hits,
      int firstCorrectRank,
      Path galleryFile,
      int gallerySize) {}

  /**
   * Runs the example on the test split of a dataset.
   *
   * @param modelZip a model saved by the trainer
   * @param root dataset root in CUHK-PEDES layout (the gallery is its test split)
   * @param galleryFile where to save the gallery
   * @param k how many results to show
   * @return the search
   * @throws IOException when the model, the dataset or the images cannot be read
   */
  public static Result run(Path modelZip, Path root, Path galleryFile, int k) throws IOException {
    // 1. The model and its preprocessing.
    ModelBundle model = ModelBundle.open(modelZip);
    Embedder embedder = new Embedder(model.model(), 64);
    PedesDataset dataset = PedesDataset.load(DatasetFormat.CUHK_PEDES, root).requireUsable();

    // 2. The gallery: every test image, decoded with the model's preprocessing on a worker thread
    //    and embedded in batches of 64 (and the ESA sets, when the model has them) by the
    //    project's one image-embedding loop; Progress.bar(System.err, false) would print progress.
    Embeddings images = Searcher.embedSplit(model, dataset, Split.TEST, 64, 1, Progress.NONE);
    Gallery gallery =
        Gallery.of(
            images,
            GalleryIterator.personIds(dataset, Split.TEST),
            GalleryIterator.imagePaths(dataset, Split.TEST),
            model.model().config().esa().lambda());
    Files.createDirectories(galleryFile.toAbsolutePath().getParent());
    gallery.save(galleryFile); // embed once, search many times: Gallery.load(galleryFile)
    System.out.printf("gallery: %d images, saved to %s%n", gallery.size(), galleryFile);

    // 3. A query: here the first test caption, tokenised with the model's vocabulary.
    CaptionRecord caption = dataset.captions(Split.TEST).get(0);
    int[] tokens = model.vocabulary().encode(caption.caption(), model.maxLength());
    Embeddings query = embedder.embedTextsWithSets(Nd4j.createFromArray(new int[][] {tokens}));
    List<Gallery.Hit> hits = Gallery.load(galleryFile).search(query, k).get(0);

    System.out.println("query: " + caption.caption());
    int firstCorrect = 0;
    for (int i = 0; i < hits.size(); i++) {
      Gallery.Hit h = hits.get(i);
      boolean correct = h.personId() == caption.personId();
      if (correct && firstCorrect == 0) {
        firstCorrect = i + 1;
      }
      System.out.printf("%3d. %.4f %s %s%n", i + 1, h.score(), correct ? "*" : " ", h.path());
    }
    return new Result(
        caption.caption(), caption.personId(), hits, firstCorrect, galleryFile, gallery.size());
  }

  /**
   * Searches the test split of a dataset with a trained model.
   *
   * @param args {@code MODEL.zip DATASET_ROOT} (e.g. {@code quickstart-out/model.zip
   *     quickstart-out/data} after {@code ./tbps quickstart})
   * @throws IOException when the model, the dataset or the images cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: Ex4EmbedAGalleryAndSearchIt MODEL.zip DATASET_ROOT");
      System.exit(2);
    }
    Path root = Path.of(args[1]);
    run(Path.of(args[0]), root, Files.createTempDirectory("tbps-gallery").resolve("test.zip"), 10);
  }
}
