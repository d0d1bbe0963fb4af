package org.tbps4j.data.iter;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A worker's failure reaches the consumer: an out-of-memory or stack-overflow error as itself (the
 * command line turns it into one line of advice), any other {@link Error} as an exception that
 * names the position, never as a bare error that ends the process with a stack trace.
 */
class PrefetcherErrorsTest {
  @Test
  void otherErrorsOfAWorkerBecomeAnExceptionNamingThePosition() {
    for (int workers : new int[] {0, 2}) {
      try (Prefetcher<String> p = new Prefetcher<>(workers, 2, "test")) {
        p.restart(
            pos -> {
              if (pos == 1) {
                throw new NoClassDefFoundError("org/example/Missing");
              }
              return "item " + pos;
            },
            0,
            3);
        p.next();
        IllegalStateException e = assertThrows(IllegalStateException.class, p::next);
        assertTrue(e.getMessage().contains("item 1"), e.getMessage());
        assertTrue(e.getMessage().contains("org/example/Missing"), e.getMessage());
      }
    }
  }

  @Test
  void outOfMemoryReachesTheConsumerAsItself() {
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    for (int workers : new int[] {0, 2}) {
      try (Prefetcher<String> p = new Prefetcher<>(workers, 2, "test")) {
        p.restart(
            pos -> {
              throw oom;
            },
            0,
            1);
        assertSame(oom, assertThrows(OutOfMemoryError.class, p::next));
      }
    }
  }
}
