package org.tbps4j.train.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.tbps4j.data.DatasetFormat;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.train.schedule.WarmupSchedule;

/**
 * The settings of a config that take one of a closed set of names, parsed once, here, into the
 * enums the config records hold: {@code data.format} ({@link DatasetFormat}), {@code model.preset}
 * ({@link ModelConfig.Preset}), {@code optimizer.type} ({@link TrainConfig.Optimizer.Type}) and
 * {@code schedule.type} ({@link WarmupSchedule.Kind}). A name is matched exactly (lower case, as
 * written in the docs); another one is refused with {@code <field>: unknown value '<name>' (valid:
 * ...)}, which {@link ConfigLoader} prefixes with the file, line and column of the value. Writing a
 * config gives the names back, so a written config reads back equal.
 */
final class ConfigChoices {
  private ConfigChoices() {}

  /**
   * The Jackson module with a reader and a writer for every such setting.
   *
   * @return the module
   */
  static SimpleModule module() {
    SimpleModule m = new SimpleModule("tbps-config-choices");
    add(m, DatasetFormat.class, "data.format", DatasetFormat::cliName);
    add(m, ModelConfig.Preset.class, "model.preset", ModelConfig.Preset::json);
    add(m, TrainConfig.Optimizer.Type.class, "optimizer.type", TrainConfig.Optimizer.Type::json);
    add(m, WarmupSchedule.Kind.class, "schedule.type", k -> k.name().toLowerCase(Locale.ROOT));
    return m;
  }

  private static <E extends Enum<E>> void add(
      SimpleModule m, Class<E> type, String field, Function<E, String> name) {
    Map<String, E> byName = new LinkedHashMap<>();
    for (E e : type.getEnumConstants()) {
      byName.put(name.apply(e), e);
    }
    m.addDeserializer(type, new Reader<>(type, field, byName));
    m.addSerializer(type, new Writer<>(type, name));
  }

  /** A value that is not one of the valid names; the message names the field and the names. */
  static final class UnknownName extends JsonMappingException {
    private static final long serialVersionUID = 1L;

    UnknownName(JsonParser p, String message) {
      super(p, message);
    }
  }

  private static final class Reader<E extends Enum<E>> extends JsonDeserializer<E> {
    private final Class<E> type;
    private final String field;
    private final Map<String, E> byName;

    Reader(Class<E> type, String field, Map<String, E> byName) {
      this.type = type;
      this.field = field;
      this.byName = byName;
    }

    @Override
    public E deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.currentToken().isScalarValue()) {
        // the message a text setting gives for a list or a section
        ctxt.handleUnexpectedToken(String.class, p);
        throw new IllegalStateException("unreachable: " + field);
      }
      String text = p.getText();
      E e = byName.get(text);
      if (e == null) {
        throw new UnknownName(
            p,
            field
                + ": unknown value '"
                + text
                + "' (valid: "
                + String.join(", ", byName.keySet())
                + ")");
      }
      return e;
    }

    @Override
    public Class<?> handledType() {
      return type;
    }
  }

  private static final class Writer<E extends Enum<E>> extends JsonSerializer<E> {
    private final Class<E> type;
    private final Function<E, String> name;

    Writer(Class<E> type, Function<E, String> name) {
      this.type = type;
      this.name = name;
    }

    @Override
    public void serialize(E value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeString(name.apply(value));
    }

    @Override
    public Class<E> handledType() {
      return type;
    }
  }
}
