package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;

/**
 * The quickstart's {@code --out} is a path, never config text: a folder whose name YAML would read
 * as a comment ({@code #}), a mapping ({@code a: b}) or a list ({@code [x]}) trains on that very
 * folder's data.
 */
class QuickstartOutPathTest {
  @TempDir Path dir;

  @Test
  void anOutFolderWithYamlSyntaxInItsNameIsUsedAsIs() throws Exception {
    Path synthetic = dir.resolve("synthetic");
    SyntheticDataset.generate(new SynthConfig(20, 2, 3, 9, 32, 16, 1), synthetic);
    Path out = dir.resolve("try #2, a: b [x]");
    Path data = Files.createDirectories(out.resolve("data"));
    for (String f : new String[] {"reid_raw.json", "oracle.json", "attributes.json"}) {
      Files.copy(synthetic.resolve(f), data.resolve(f));
    }
    Files.createSymbolicLink(data.resolve("imgs"), synthetic.resolve("imgs"));
    Path config = dir.resolve("micro.yaml");
    Files.writeString(config, TrainEvalQuickstartTest.CONFIG.formatted("unused"));
    CliRun q =
        CliRun.of(
            "quickstart",
            "--out",
            out.toString(),
            "--ids",
            "20",
            "--config",
            config.toString(),
            "--minutes",
            "3");
    assertEquals(0, q.exitCode(), q.err());
    JsonNode run = Json.MAPPER.readTree(out.resolve("run/run.json").toFile());
    assertEquals(
        data.toAbsolutePath().toString(), run.get("data").get("root").asText(), run.toString());
    assertTrue(Files.isRegularFile(out.resolve("metrics.json")));
  }
}
