/**
 * The benchmarks behind {@code tbps bench} and their measuring tools. Each benchmark (one package
 * per floor it measures: {@code eval}, {@code search}, {@code data}, {@code model}, {@code train},
 * {@code ui}) takes an options record and returns its report as an ordered map, a JSON object whose
 * field order is the printed order; the command prints it and nothing else. This package holds what
 * several of them use: FLOP counting from the executed SameDiff graph ({@link
 * org.tbps4j.bench.FlopCounter}), per-op-type time ({@link org.tbps4j.bench.OpTimer}), the sgemm
 * peak ({@link org.tbps4j.bench.GemmPeak}) and the process's peak memory ({@link
 * org.tbps4j.bench.ProcessMemory}).
 */
package org.tbps4j.bench;
