package org.tbps4j.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClasspathAssetsTest {

  @Test
  void mapsAssetPathsToClassPathResources() {
    assertEquals(
        Optional.of("META-INF/resources/webjars/flot/0.8.3/jquery.flot.js"),
        ClasspathAssets.resourceFor("/assets/webjars/flot/0.8.3/jquery.flot.js"));
    assertEquals(
        Optional.of("deeplearning4jUiAssets/js/train/overview.js"),
        ClasspathAssets.resourceFor("/assets/js/train/overview.js"));
    assertEquals(
        Optional.of("META-INF/resources/webjars/webcola/3.3.8/WebCola/cola.js"),
        ClasspathAssets.resourceFor("/assets/webjars/webcola/3.3.8/WebCola/cola.js"));
  }

  @Test
  void refusesTraversalAndOtherPaths() {
    for (String p :
        new String[] {
          "/assets/../pom.xml",
          "/assets/js/../../etc/passwd",
          "/assets/webjars/../../x",
          "/assets/./js/train/overview.js",
          "/assets/js\\..\\x",
          "/assets/",
          "/train/overview",
          null
        }) {
      assertEquals(Optional.empty(), ClasspathAssets.resourceFor(p), String.valueOf(p));
    }
  }

  @Test
  void readsTheUiAssetsAndThePinnedWebCola() {
    ClasspathAssets a = new ClasspathAssets();
    assertTrue(a.read("deeplearning4jUiAssets/js/train/overview.js").isPresent());
    // the SameDiff page asks for webcola 3.3.8 (docs/samediff-m2.1.md: the pin)
    assertTrue(a.read("META-INF/resources/webjars/webcola/3.3.8/WebCola/cola.js").isPresent());
    assertTrue(a.read("deeplearning4jUiAssets/no-such-file.js").isEmpty());
    assertEquals("application/javascript; charset=utf-8", ClasspathAssets.contentType("a/b.js"));
    assertEquals("font/woff2", ClasspathAssets.contentType("f.WOFF2"));
    assertEquals("application/octet-stream", ClasspathAssets.contentType("README"));
  }
}
