package org.tbps4j.model.layers;

import java.lang.reflect.Field;
import java.util.Map;
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
  private OpRegistry() {}

  /**
   * Registers {@code ours} wherever the registry holds {@code stock}.
   *
   * @param stock the class ND4J registers
   * @param ours its replacement (a subclass with the same op name)
   * @return how many registry entries were replaced (0 when ND4J's registry has another layout, or
   *     the replacement was already made)
   */
  static int substitute(Class<?> stock, Class<?> ours) {
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
