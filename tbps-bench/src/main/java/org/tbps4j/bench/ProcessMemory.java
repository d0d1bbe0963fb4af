package org.tbps4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.Pointer;

/**
 * Peak memory of the current process for benchmarks: Java heap (sum of the heap pools' peaks),
 * native memory held by JavaCPP/ND4J, and the resident set high-water mark from {@code
 * /proc/self/status}.
 */
public final class ProcessMemory {
  private ProcessMemory() {}

  /** Resets the heap pools' peaks and, on Linux, the RSS high-water mark. */
  public static void resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException | RuntimeException e) {
      // not Linux or not permitted: the RSS peak then covers the whole process lifetime
    }
  }

  /**
   * Sum of the heap pools' peak usage since the last reset, in MiB.
   *
   * @return peak heap in MiB
   */
  public static double peakHeapMiB() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum / 1048576.0;
  }

  /**
   * Resident-set high-water mark ({@code VmHWM}) in MiB, or -1 when unavailable.
   *
   * @return peak RSS in MiB
   */
  public static double peakRssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /**
   * Native bytes currently allocated through JavaCPP (ND4J arrays), in MiB.
   *
   * @return native memory in MiB
   */
  public static double nativeMiB() {
    return Pointer.totalBytes() / 1048576.0;
  }

  /**
   * The maximum heap of this JVM in MiB.
   *
   * @return {@code Runtime.maxMemory()} in MiB
   */
  public static double maxHeapMiB() {
    return Runtime.getRuntime().maxMemory() / 1048576.0;
  }
}
