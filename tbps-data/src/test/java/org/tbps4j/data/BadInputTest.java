package org.tbps4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tbps4j.data.sample.PkSampler;

/**
 * One test per row of the bad-input table of docs/data.md, each on its own fixture under
 * src/test/resources/fixtures/cuhk (the unknown-word and long-query rows are in VocabularyTest).
 */
class BadInputTest {
  private static final Path ROOT = Fixtures.root("cuhk");

  private static PedesDataset load(String file, ReadOptions options) throws Exception {
    return PedesDataset.load(DatasetFormat.CUHK_PEDES, ROOT, ROOT.resolve(file), options);
  }

  private static PedesDataset load(String file) throws Exception {
    return load(file, ReadOptions.defaults());
  }

  private static List<Problem> of(PedesDataset ds, ProblemKind kind) {
    return ds.problems().stream().filter(p -> p.kind() == kind).toList();
  }

  @Test
  void malformedJsonNamesFileLineAndColumn() throws Exception {
    PedesDataset ds = load("bad-malformed.json");
    assertFalse(ds.usable());
    List<Problem> p = of(ds, ProblemKind.MALFORMED_JSON);
    assertEquals(1, p.size());
    assertEquals(3, p.get(0).line());
    assertEquals(21, p.get(0).column());
    assertEquals(Severity.ERROR, p.get(0).severity());
    String d = p.get(0).describe();
    assertTrue(d.startsWith(ROOT.resolve("bad-malformed.json") + ":3:21: malformed JSON: "), d);
    assertTrue(d.contains("was expecting comma"), d);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ds::requireUsable);
    assertTrue(e.getMessage().contains("bad-malformed.json:3:21: malformed JSON"), e.getMessage());
    // lenient reading cannot fix broken JSON
    assertFalse(load("bad-malformed.json", ReadOptions.defaults().withLenient(true)).usable());
  }

  @Test
  void missingFieldNamesEntryAndFieldAndLenientSkipsAndCounts() throws Exception {
    PedesDataset strict = load("bad-missing-field.json");
    assertFalse(strict.usable());
    Problem p = of(strict, ProblemKind.MISSING_FIELD).get(0);
    assertEquals(1, p.entry());
    assertEquals(3, p.line());
    assertEquals(
        "entry 1: missing field \"file_path\" (required: \"id\", \"split\", \"captions\","
            + " \"file_path\")",
        p.describe().substring(p.describe().indexOf("entry 1")));
    PedesDataset lenient = load("bad-missing-field.json", ReadOptions.defaults().withLenient(true));
    assertTrue(lenient.usable(), lenient.problems().toString());
    assertEquals(Severity.WARNING, of(lenient, ProblemKind.MISSING_FIELD).get(0).severity());
    assertEquals(1, lenient.skipped().entries());
    assertEquals(2, lenient.images(Split.TRAIN).size());
  }

  @Test
  void wrongTypeNamesEntryAndField() throws Exception {
    PedesDataset ds = load("bad-wrong-type.json");
    assertFalse(ds.usable());
    List<String> messages =
        ds.problems().stream()
            .filter(p -> p.severity() == Severity.ERROR)
            .map(p -> p.entry() + ": " + p.message())
            .toList();
    assertEquals(
        List.of(
            "1: field \"id\" is a string, expected an integer",
            "2: field \"captions\" is a string, expected an array of strings",
            "3: field \"captions[1]\" is an integer, expected a string",
            "4: field \"split\": unknown split \"dev\" (valid: train, val, test)"),
        messages);
    PedesDataset lenient = load("bad-wrong-type.json", ReadOptions.defaults().withLenient(true));
    assertTrue(lenient.usable(), lenient.problems().toString());
    assertEquals(4, lenient.skipped().entries());
    assertEquals(2, lenient.images(Split.TRAIN).size());
    assertEquals(1, lenient.images(Split.TEST).size());
  }

  @Test
  void splitAbsentEverywhereExplainsTheSplitRuleOption() throws Exception {
    PedesDataset ds = load("caption_all.json");
    assertFalse(ds.usable());
    List<Problem> p = of(ds, ProblemKind.NO_SPLIT);
    assertEquals(1, p.size());
    assertTrue(p.get(0).message().contains("--split-rule TRAIN,VAL,TEST"), p.get(0).message());
    assertTrue(p.get(0).message().contains("caption_all.json"), p.get(0).message());
    assertTrue(of(ds, ProblemKind.MISSING_FIELD).isEmpty(), "no per-entry noise");
    // with the rule by position the file reads like reid_raw.json
    PedesDataset ruled =
        load("caption_all.json", ReadOptions.defaults().withSplitRule(new SplitRule(6, 2, 2)));
    PedesDataset reference = load("reid_raw.json");
    assertTrue(ruled.usable(), ruled.problems().toString());
    for (Split s : Split.values()) {
      assertEquals(reference.captions(s), ruled.captions(s));
    }
    // a rule that does not cover the file is reported
    PedesDataset shortRule =
        load("caption_all.json", ReadOptions.defaults().withSplitRule(new SplitRule(6, 2, 1)));
    assertFalse(shortRule.usable());
    assertTrue(
        of(shortRule, ProblemKind.BAD_VALUE).stream()
            .anyMatch(q -> q.message().contains("covers 9 entries but the file has 10")));
  }

  @Test
  void missingImageIsReportedAndSkippedOnlyWhenAsked() throws Exception {
    PedesDataset ds = load("bad-missing-image.json");
    assertFalse(ds.usable());
    Problem p = of(ds, ProblemKind.MISSING_IMAGE).get(0);
    assertEquals(1, p.entry());
    assertTrue(
        p.message().startsWith("image file imgs/CUHK01/does_not_exist.jpg does not exist"),
        p.message());
    assertTrue(p.message().contains("--skip-bad-images"), p.message());
    PedesDataset skip =
        load("bad-missing-image.json", ReadOptions.defaults().withSkipBadImages(true));
    assertTrue(skip.usable(), skip.problems().toString());
    assertEquals(1, skip.skipped().badImages());
    assertEquals(2, skip.images(Split.TRAIN).size());
  }

  @Test
  void unreadableImagesAreFoundByHeaderOrDecodeChecks() throws Exception {
    PedesDataset header = load("bad-corrupt-image.json");
    List<Problem> h = of(header, ProblemKind.UNREADABLE_IMAGE);
    assertEquals(1, h.size(), h.toString()); // the truncated PNG still has a valid header
    assertEquals(1, h.get(0).entry());
    assertTrue(h.get(0).message().contains("not a known image format"), h.get(0).message());
    PedesDataset decode =
        load("bad-corrupt-image.json", ReadOptions.defaults().withImageCheck(ImageCheck.DECODE));
    List<Problem> d = of(decode, ProblemKind.UNREADABLE_IMAGE);
    assertEquals(2, d.size(), d.toString());
    assertEquals(3, d.get(1).entry());
    assertTrue(d.get(1).message().startsWith("image file imgs/truncated.png cannot be decoded"));
    assertFalse(decode.usable());
    PedesDataset skip =
        load(
            "bad-corrupt-image.json",
            ReadOptions.defaults().withImageCheck(ImageCheck.DECODE).withSkipBadImages(true));
    assertTrue(skip.usable(), skip.problems().toString());
    assertEquals(2, skip.skipped().badImages());
    assertEquals(2, skip.images(Split.TRAIN).size());
  }

  @Test
  void unsafePathsAreRejectedAlwaysEvenWhenLenient() throws Exception {
    for (ReadOptions o :
        List.of(
            ReadOptions.defaults(),
            ReadOptions.defaults().withLenient(true).withSkipBadImages(true))) {
      PedesDataset ds = load("bad-unsafe-path.json", o);
      assertFalse(ds.usable());
      List<Problem> p = of(ds, ProblemKind.UNSAFE_PATH);
      assertEquals(List.of(1, 2, 3, 4), p.stream().map(Problem::entry).toList());
      assertTrue(p.stream().allMatch(q -> q.severity() == Severity.ERROR));
      assertTrue(p.get(0).message().contains("\"/etc/passwd\" is absolute"), p.get(0).message());
      assertTrue(
          p.get(1).message().contains("\"../../reid_raw.json\" leaves the dataset root"),
          p.get(1).message());
      assertTrue(p.get(3).message().contains("is absolute"), p.get(3).message());
      assertTrue(p.get(0).message().endsWith("(always, even when lenient)"));
      // and none of them reaches the records
      assertTrue(
          ds.images(Split.TRAIN).stream().allMatch(r -> r.imagePath().startsWith("imgs/CUHK0")));
    }
  }

  @Test
  void blankCaptionsAreSkippedAndCounted() throws Exception {
    PedesDataset ds = load("bad-empty-caption.json");
    assertTrue(ds.usable(), ds.problems().toString());
    assertEquals(2, ds.skipped().captions());
    List<Problem> p = of(ds, ProblemKind.EMPTY_CAPTION);
    assertEquals(List.of(0, 1, 3), p.stream().map(Problem::entry).toList());
    assertEquals("caption 1 is empty or whitespace-only; skipped", p.get(0).message());
    assertEquals("has no captions; the image is kept for the gallery only", p.get(2).message());
    // 4 train images (one without captions), 3 train captions
    assertEquals(4, ds.images(Split.TRAIN).size());
    assertEquals(3, ds.captions(Split.TRAIN).size());
    assertEquals(1, ds.captions(Split.TRAIN).get(1).captionIndex());
  }

  @Test
  void duplicateImagesAreReportedAndKeptOnce() throws Exception {
    PedesDataset ds = load("bad-duplicate.json");
    assertTrue(ds.usable(), ds.problems().toString());
    List<Problem> p = of(ds, ProblemKind.DUPLICATE_IMAGE);
    assertEquals(2, p.size());
    assertEquals(
        "image imgs/CUHK01/0001_a.jpg is already listed by entry 0; kept entry 0, this one is"
            + " ignored",
        p.get(0).message());
    assertTrue(p.get(1).message().contains("with another person id (2 there, 7 here)"));
    assertEquals(2, ds.skipped().duplicates());
    assertEquals(2, ds.images(Split.TRAIN).size());
    assertEquals("a man in red", ds.captions(Split.TRAIN).get(0).caption());
  }

  @Test
  void identityWithOneSampleIsKeptAndTheSamplerRepeatsIt() throws Exception {
    PedesDataset ds = load("single-sample.json");
    assertTrue(ds.usable());
    List<Problem> p = of(ds, ProblemKind.SINGLE_SAMPLE_IDENTITY);
    assertEquals(1, p.size());
    assertEquals(Severity.NOTE, p.get(0).severity());
    assertEquals(2, p.get(0).entry());
    ClassMapping classes = ds.trainClasses();
    int[] labels =
        ds.captions(Split.TRAIN).stream().mapToInt(c -> classes.classOf(c.personId())).toArray();
    PkSampler sampler = new PkSampler(labels, 3, 2, 1);
    for (int[] batch : sampler.epoch(0)) {
      for (int g = 0; g < 3; g++) {
        if (labels[batch[2 * g]] == classes.classOf(3)) {
          assertEquals(4, batch[2 * g]); // the only sample of id 3, twice
          assertEquals(4, batch[2 * g + 1]);
        }
      }
    }
  }

  @Test
  void failFastReaderThrowsTheFirstError() throws Exception {
    try (PedesRecordReader r = new CuhkPedesRecordReader(ReadOptions.defaults()).failFast(true)) {
      r.initialize(ROOT.resolve("bad-wrong-type.json"));
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> {
                while (r.hasNext()) {
                  r.next();
                }
              });
      assertTrue(
          e.getMessage()
              .endsWith(
                  "bad-wrong-type.json:3:95: entry 1: field \"id\" is a string,"
                      + " expected an integer"),
          e.getMessage());
    }
  }
}
