package org.tbps4j.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossTermsReportTest {
  @TempDir Path dir;

  static LossTermsReport sample() {
    Map<String, Double> terms = new LinkedHashMap<>();
    terms.put("loss/mam", 1.25);
    terms.put("loss/psw", -0.5);
    terms.put("loss/total", Double.NaN);
    return new LossTermsReport("run-2", "trainer", 1_700_000_000_123L, 41, 3, "joint", 3e-4, terms);
  }

  static void assertSame(LossTermsReport a, LossTermsReport b) {
    assertEquals(a.getSessionID(), b.getSessionID());
    assertEquals(a.getWorkerID(), b.getWorkerID());
    assertEquals(a.getTypeID(), b.getTypeID());
    assertEquals(a.getTimeStamp(), b.getTimeStamp());
    assertEquals(a.iteration(), b.iteration());
    assertEquals(a.epoch(), b.epoch());
    assertEquals(a.stage(), b.stage());
    assertEquals(a.learningRate(), b.learningRate(), 0.0);
    assertEquals(List.copyOf(a.terms().keySet()), List.copyOf(b.terms().keySet()), "order kept");
    a.terms().forEach((k, v) -> assertEquals(v, b.terms().get(k), 0.0, k));
  }

  @Test
  void encodesAndDecodesEveryField() throws Exception {
    LossTermsReport r = sample();
    byte[] bytes = r.encode();
    assertEquals(bytes.length, r.encodingLengthBytes());
    LossTermsReport back = new LossTermsReport();
    back.decode(bytes);
    assertSame(r, back);

    ByteBuffer bb = ByteBuffer.allocate(bytes.length);
    r.encode(bb);
    bb.flip();
    LossTermsReport fromBuffer = new LossTermsReport();
    fromBuffer.decode(bb);
    assertSame(r, fromBuffer);
  }

  @Test
  void survivesAFileStatsStorage() {
    Path f = dir.resolve("stats.bin");
    FileStatsStorage s = new FileStatsStorage(f.toFile());
    s.putStaticInfo(LossTermsReport.header("run-2", "trainer", 5));
    s.putUpdate(sample());
    s.close();
    FileStatsStorage again = new FileStatsStorage(f.toFile());
    try {
      List<Persistable> all = again.getAllUpdatesAfter("run-2", LossTermsReport.TYPE_ID, 0);
      assertEquals(1, all.size());
      assertSame(sample(), (LossTermsReport) all.get(0));
      LossTermsReport header =
          (LossTermsReport) again.getStaticInfo("run-2", LossTermsReport.TYPE_ID, "trainer");
      assertEquals(-1, header.iteration());
      assertTrue(header.terms().isEmpty());
    } finally {
      again.close();
    }
  }

  @Test
  void rejectsAnotherVersionAndTruncatedBytes() {
    byte[] bytes = sample().encode();
    bytes[0] = 9;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new LossTermsReport().decode(bytes));
    assertTrue(e.getMessage().contains("version 9 is not supported"), e.getMessage());
    byte[] good = sample().encode();
    byte[] cut = java.util.Arrays.copyOf(good, good.length - 3);
    IllegalArgumentException t =
        assertThrows(IllegalArgumentException.class, () -> new LossTermsReport().decode(cut));
    assertTrue(t.getMessage().contains("corrupt loss-terms record"), t.getMessage());
  }
}
