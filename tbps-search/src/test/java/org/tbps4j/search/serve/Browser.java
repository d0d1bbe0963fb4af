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
 * Headless Chromium driven by Selenium with Debian's browser and driver (never Selenium Manager,
 * which would try to download one); the flags the dashboard test uses.
 */
final class Browser {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private Browser() {}

  static ChromeDriver start(Path profileDir) throws IOException {
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
        "--window-size=1200,900",
        "--user-data-dir=" + profileDir.toAbsolutePath());
    return new ChromeDriver(service, o);
  }
}
