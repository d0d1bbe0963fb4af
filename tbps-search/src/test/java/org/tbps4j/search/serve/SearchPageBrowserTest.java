package org.tbps4j.search.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tbps4j.data.DatasetFormat;
import org.tbps4j.data.ImageRecord;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.Split;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;
import org.tbps4j.search.Planted;
import org.tbps4j.search.Searcher;
import org.tbps4j.search.index.IndexInfo;
import org.tbps4j.search.index.IndexedImage;
import org.tbps4j.search.index.LuceneIndex;

/**
 * The search page in headless Chromium over a synthetic gallery whose embeddings are planted: the
 * images of one person lie next to the query's vector, so the page must show that person first (the
 * test is about the page and the server, not about a model's accuracy).
 */
class SearchPageBrowserTest {
  @TempDir Path tmp;

  @Test
  void typeAQueryAndThePlantedPersonComesFirstWithThumbnails() throws Exception {
    Path data = tmp.resolve("data");
    SyntheticDataset.generate(new SynthConfig(10, 2, 3, 17, 64, 32, 1), data);
    PedesDataset ds = PedesDataset.load(DatasetFormat.CUHK_PEDES, data).requireUsable();
    List<ImageRecord> gallery = new ArrayList<>();
    for (Split s : Split.values()) {
      gallery.addAll(ds.images(s));
    }
    long planted = gallery.get(gallery.size() / 2).personId();
    int d = 16;
    float[] q = Planted.unitVectors(1, d, 3)[0];
    Random r = new Random(5);
    float[][] v = Planted.unitVectors(gallery.size(), d, 4);
    List<IndexedImage> docs = new ArrayList<>();
    int plantedImages = 0;
    for (int i = 0; i < gallery.size(); i++) {
      ImageRecord rec = gallery.get(i);
      if (rec.personId() == planted) {
        plantedImages++;
        double n = 0;
        for (int j = 0; j < d; j++) {
          v[i][j] = q[j] + 0.05f * (float) r.nextGaussian();
          n += v[i][j] * v[i][j];
        }
        for (int j = 0; j < d; j++) {
          v[i][j] /= (float) Math.sqrt(n);
        }
      }
      docs.add(new IndexedImage(rec.imagePath(), rec.personId(), 32, 64));
    }
    Path dir = tmp.resolve("idx");
    try (LuceneIndex w = LuceneIndex.openWritable(dir, 16, 100)) {
      w.add(docs, v);
      IndexInfo info = Planted.info(d, data);
      w.commit(info);
    }
    String query = "a person in a planted outfit";
    try (LuceneIndex idx = LuceneIndex.openReadOnly(dir);
        SearchServer server =
            SearchServer.start(
                new Searcher(new Planted.Encoder(d).put(query, q), idx),
                ServerConfig.defaults(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, data))) {
      ChromeDriver browser = Browser.start(tmp.resolve("profile"));
      try {
        browser.get("http://localhost:" + server.port() + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.until(b -> b.findElement(By.id("info")).getText().contains("images indexed"));
        assertTrue(
            browser
                .findElement(By.id("info"))
                .getText()
                .startsWith(gallery.size() + " images indexed"));
        browser.findElement(By.id("q")).sendKeys(query);
        browser.findElement(By.id("go")).click();
        wait.until(b -> b.findElements(By.cssSelector("#results figure.hit")).size() == 20);
        // every thumbnail loads (fetched through the API, shown from a blob URL)
        wait.until(
            b ->
                (Boolean)
                    ((JavascriptExecutor) b)
                        .executeScript(
                            "return [...document.querySelectorAll('#results img')]"
                                + ".every(i => i.complete && i.naturalWidth > 0);"));
        List<WebElement> hits = browser.findElements(By.cssSelector("#results figure.hit"));
        for (int i = 0; i < plantedImages; i++) {
          assertEquals(
              Long.toString(planted), hits.get(i).getAttribute("data-id"), "rank " + (i + 1));
        }
        assertTrue(!hits.get(plantedImages).getAttribute("data-id").equals(Long.toString(planted)));
        WebElement first = hits.get(0).findElement(By.tagName("img"));
        assertTrue(first.getAttribute("src").startsWith("blob:"), first.getAttribute("src"));
        String title = first.getAttribute("title");
        assertTrue(title.startsWith("score 0.9"), title);
        assertTrue(browser.findElement(By.id("status")).getText().startsWith("20 results in "));
        assertTrue(!browser.findElement(By.id("auth")).isDisplayed(), "no token box on loopback");
        Files.write(tmp.resolve("page.png"), browser.getScreenshotAs(OutputType.BYTES));
        if (System.getProperty("tbps.keepScreenshot") != null) {
          Files.copy(
              tmp.resolve("page.png"),
              Path.of(System.getProperty("tbps.keepScreenshot")),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        // an empty query is refused on the page itself
        browser.findElement(By.id("q")).clear();
        browser.findElement(By.id("go")).click();
        wait.until(
            b -> b.findElement(By.id("status")).getText().equals("Type a description first."));
      } finally {
        browser.quit();
      }
    }
  }
}
