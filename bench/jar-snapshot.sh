# Sourced by the bench scripts: snapshot_jar ROOT OUT [FILE...] builds the command line when its
# sources are newer, copies tbps.jar, its lib/ and the given files to OUT/jar once (atomically, via
# OUT/jar.tmp) and points TBPS_JAR at the copy, so that rebuilding the project while a benchmark
# runs changes nothing in it.
snapshot_jar() {
  local root="$1" out="$2"
  shift 2
  if [ ! -f "$out/jar/tbps.jar" ]; then
    "$root/tbps" --version >/dev/null
    rm -rf "$out/jar.tmp" && mkdir -p "$out/jar.tmp"
    cp -r "$root/tbps-cli/target/tbps.jar" "$root/tbps-cli/target/lib" "$out/jar.tmp/"
    if [ $# -gt 0 ]; then cp "$@" "$out/jar.tmp/"; fi
    # the code the copy was built from (results record it); "+dirty" when the work tree differed
    { git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown; } | tr -d '\n' >"$out/jar.tmp/COMMIT"
    if ! git -C "$root" diff --quiet HEAD -- 2>/dev/null; then echo -n "+dirty" >>"$out/jar.tmp/COMMIT"; fi
    mv "$out/jar.tmp" "$out/jar"
  fi
  export TBPS_JAR="$out/jar/tbps.jar"
}
