package org.tbps4j.model.layers;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.imports.converters.DifferentialFunctionClassHolder;

/**
 * Swaps the class ND4J's op registry ({@link DifferentialFunctionClassHolder}) instantiates for an
 * op. SameDiff M2.1 copies every op into the gradient graph by serialising it to FlatBuffers and
 * back, and graphs loaded from a file are rebuilt the same way; both create the op from the class
 * registered for its hash. Registering a subclass with the same op name, arguments and native
 * kernel therefore changes how that op differentiates everywhere, without touching DL4J's code
 * (docs/samediff-m2.1.md, notes 1 and 2).
 */
final class OpRegistry {
  /** The replacements made in this JVM. */
  private static final Set<Class<?>> INSTALLED = ConcurrentHashMap.newKeySet();

  private OpRegistry() {}

  /**
   * Registers {@code ours} wherever the registry holds {@code stock}, once per JVM (idempotent,
   * thread-safe; later calls return at once).
   *
   * @param stock the class ND4J registers
   * @param ours its replacement (a subclass with the same op name)
   * @param failureIfAbsent the message when the registry holds {@code stock} nowhere (this ND4J
   *     version has another layout), or null when the replacement is optional
   * @throws IllegalStateException with {@code failureIfAbsent} when nothing was replaced
   */
  static void installOnce(Class<?> stock, Class<?> ours, String failureIfAbsent) {
    if (INSTALLED.contains(ours)) {
      return;
    }
    synchronized (OpRegistry.class) {
      if (INSTALLED.contains(ours)) {
        return;
      }
      if (substitute(stock, ours) == 0 && failureIfAbsent != null) {
        throw new IllegalStateException(failureIfAbsent);
      }
      INSTALLED.add(ours);
    }
  }

  /** Registers {@code ours} wherever the registry holds {@code stock}; how many entries changed. */
  private static int substitute(Class<?> stock, Class<?> ours) {
    DifferentialFunctionClassHolder holder = DifferentialFunctionClassHolder.getInstance();
    int replaced = 0;
    for (String field : new String[] {"customOpHashToClass", "customOpHashToClasses"}) {
      replaced += replace(readField(holder, field), stock, ours);
    }
    return replaced;
  }

  private static Map<?, ?> readField(Object holder, String name) {
    try {
      Field f = DifferentialFunctionClassHolder.class.getDeclaredField(name);
      f.setAccessible(true);
      return (Map<?, ?>) f.get(holder);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException(
          "ND4J's op class registry has no map '" + name + "' (docs/samediff-m2.1.md, note 1)", e);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int replace(Map<?, ?> map, Class<?> stock, Class<?> ours) {
    int n = 0;
    for (Map.Entry e : map.entrySet()) {
      Object v = e.getValue();
      if (v == stock) {
        e.setValue(ours);
        n++;
      } else if (v instanceof Map<?, ?> inner) {
        n += replace(inner, stock, ours);
      }
    }
    return n;
  }
}
