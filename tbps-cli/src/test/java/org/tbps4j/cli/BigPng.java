package org.tbps4j.cli;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes a black 8-bit greyscale PNG of any size without holding its pixels: the rows are streamed
 * through the deflater, so a 30000 × 30000 image (900 M pixels) is a file of about 1 MB.
 */
public final class BigPng {
  private BigPng() {}

  /**
   * Writes the image.
   *
   * @param file target
   * @param width pixels
   * @param height pixels
   * @return the file
   * @throws IOException on write errors
   */
  public static Path write(Path file, int width, int height) throws IOException {
    java.io.ByteArrayOutputStream idat = new java.io.ByteArrayOutputStream();
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
    try (DeflaterOutputStream z = new DeflaterOutputStream(idat, d, 1 << 16)) {
      byte[] row = new byte[width + 1]; // filter byte 0, then zeros
      for (int y = 0; y < height; y++) {
        z.write(row);
      }
    } finally {
      d.end();
    }
    try (OutputStream raw = Files.newOutputStream(file);
        DataOutputStream out = new DataOutputStream(raw)) {
      out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
      java.io.ByteArrayOutputStream ihdr = new java.io.ByteArrayOutputStream();
      DataOutputStream h = new DataOutputStream(ihdr);
      h.writeInt(width);
      h.writeInt(height);
      h.writeByte(8); // bit depth
      h.writeByte(0); // greyscale
      h.writeByte(0);
      h.writeByte(0);
      h.writeByte(0);
      chunk(out, "IHDR", ihdr.toByteArray());
      chunk(out, "IDAT", idat.toByteArray());
      chunk(out, "IEND", new byte[0]);
    }
    return file;
  }

  private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.writeInt(data.length);
    out.write(t);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeInt((int) crc.getValue());
  }
}
