package org.tbps4j.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the TBPS4J version, the Java runtime and the ND4J backend. */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = TbpsCommand.class.getPackage().getImplementationVersion();
    return new String[] {
      "tbps " + (v == null ? "(development build)" : v),
      "Java " + System.getProperty("java.version") + " on " + System.getProperty("os.name"),
    };
  }
}
