package org.tbps4j.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DecodedImagesTest {

  @Test
  void anImageIsDecodedOnceWhileTheBudgetAllows() throws Exception {
    DecodedImages memo = new DecodedImages(10);
    AtomicInteger calls = new AtomicInteger();
    DecodedImages.Decoder four =
        () -> {
          calls.incrementAndGet();
          return new byte[] {1, 2, 3, 4};
        };
    byte[] a = memo.get("a.jpg", four);
    assertSame(a, memo.get("a.jpg", four));
    assertEquals(1, calls.get());
    memo.get("b.jpg", four); // 8 of 10 bytes
    memo.get("c.jpg", four); // would be 12: not kept
    memo.get("c.jpg", four);
    assertEquals(4, calls.get(), "a, b once; c twice (past the budget)");
    assertEquals(2, memo.size());
    assertEquals(8, memo.bytes());
  }

  @Test
  void aFailedDecodeIsNotRemembered() throws Exception {
    DecodedImages memo = new DecodedImages(100);
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                memo.get(
                    "bad.jpg",
                    () -> {
                      throw new IOException("bad.jpg: truncated");
                    }));
    assertEquals("bad.jpg: truncated", e.getMessage());
    assertArrayEquals(new byte[] {7}, memo.get("bad.jpg", () -> new byte[] {7}));
    assertEquals(0, new DecodedImages(0).size());
  }

  @Test
  void concurrentFirstCallsKeepOneArrayAndCountItOnce() throws Exception {
    DecodedImages memo = new DecodedImages(1 << 20);
    Thread[] threads = new Thread[8];
    byte[][] got = new byte[threads.length][];
    for (int t = 0; t < threads.length; t++) {
      int i = t;
      threads[t] =
          new Thread(
              () -> {
                try {
                  got[i] = memo.get("same.png", () -> new byte[1000]);
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(1, memo.size());
    assertEquals(1000, memo.bytes());
    for (byte[] g : got) {
      assertEquals(1000, g.length);
    }
    assertThrows(IllegalArgumentException.class, () -> new DecodedImages(-1));
  }
}
