package dev.thingbridge.shadows.schema.internal;

import dev.thingbridge.shadows.schema.spec.ShadowSchemaException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Reads fields of a struct instance and builds new instances from field values. */
interface StructAccess {
  Object get(Object instance, int index);

  Object construct(Object[] values);

  /** Records: accessor methods and the canonical constructor, through method handles. */
  static StructAccess forRecord(Class<?> type) {
    try {
      RecordComponent[] components = type.getRecordComponents();
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      MethodHandle[] getters = new MethodHandle[components.length];
      Class<?>[] types = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        var accessor = components[i].getAccessor();
        accessor.setAccessible(true);
        getters[i] = lookup.unreflect(accessor).asType(MethodType.methodType(Object.class, Object.class));
        types[i] = components[i].getType();
      }
      var ctor = type.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      MethodHandle constructor = lookup.unreflectConstructor(ctor)
          .asSpreader(Object[].class, components.length)
          .asType(MethodType.methodType(Object.class, Object[].class));
      return new StructAccess() {
        @Override
        public Object get(Object instance, int index) {
          try {
            return getters[index].invokeExact(instance);
          } catch (Throwable t) {
            throw rethrow(t);
          }
        }

        @Override
        public Object construct(Object[] values) {
          try {
            return constructor.invokeExact(values);
          } catch (Throwable t) {
            throw rethrow(t);
          }
        }
      };
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new ShadowSchemaException("cannot access record " + type.getName()
          + " (is it public, or its package open to thingbridge?): " + e.getMessage(), e);
    }
  }

  /** Other classes: Jackson's property accessors to read, and Jackson to build from a map of field values. */
  static StructAccess forBean(Class<?> type, List<String> names, List<Function<Object, Object>> getters) {
    return new StructAccess() {
      @Override
      public Object get(Object instance, int index) {
        return getters.get(index).apply(instance);
      }

      @Override
      public Object construct(Object[] values) {
        Map<String, Object> props = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
          props.put(names.get(i), values[i]);
        }
        return ShadowJson.MAPPER.convertValue(props, type);
      }
    };
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }
}
