package org.tbps4j.search.serve;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium driven by Selenium, using the Debian packages' browser and driver (never
 * Selenium Manager, which would try to download a driver). Shared by the browser tests of the
 * search page (here) and of the dashboard (tbps-ui, through this module's test-jar).
 */
public final class Browser {
  /** The browser binary (Debian package {@code chromium}). */
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  /** The driver binary (Debian package {@code chromium-driver}). */
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private Browser() {}

  /**
   * Starts a headless Chromium with a 1200 × 900 window and a fresh profile under {@code
   * profileDir}.
   *
   * @param profileDir a new, empty directory
   * @return the driver (quit it)
   * @throws IOException when the profile folder cannot be created
   */
  public static ChromeDriver start(Path profileDir) throws IOException {
    return start(profileDir, 1200, 900);
  }

  /**
   * Starts a headless Chromium with a fresh profile under {@code profileDir}.
   *
   * @param profileDir a new, empty directory
   * @param width window width in pixels
   * @param height window height in pixels
   * @return the driver (quit it)
   * @throws IOException when the profile folder cannot be created
   */
  public static ChromeDriver start(Path profileDir, int width, int height) throws IOException {
    for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
      assertTrue(
          Files.isExecutable(p),
          p
              + " is missing: the browser test needs the Debian packages chromium and"
              + " chromium-driver; run .ci/install-test-deps (as root)");
    }
    Files.createDirectories(profileDir);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=" + width + "," + height,
        "--user-data-dir=" + profileDir.toAbsolutePath());
    return new ChromeDriver(service, o);
  }
}
