package dev.thingbridge.shadows.schema.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.thingbridge.shadows.schema.spec.DefaultValue;
import dev.thingbridge.shadows.schema.spec.FieldConverter;
import dev.thingbridge.shadows.schema.spec.Flatten;
import dev.thingbridge.shadows.schema.spec.MigrateFrom;
import dev.thingbridge.shadows.schema.spec.Opaque;
import dev.thingbridge.shadows.schema.spec.ReportOnly;
import dev.thingbridge.shadows.schema.spec.ShadowDeltaException;
import dev.thingbridge.shadows.schema.spec.ShadowSchemaException;
import dev.thingbridge.shadows.schema.spec.TaggedUnion;
import dev.thingbridge.shadows.schema.spec.Tagging;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Derives the node tree of a state type from its records, annotations and sealed interfaces. */
public final class SchemaBuilder {
  /**
   * Built once per type and shared by the schema and the store's key layout. Node trees are immutable, so the
   * cache holds no mutable state.
   */
  private static final ClassValue<StructNode> ROOTS = new ClassValue<>() {
    @Override
    protected StructNode computeValue(Class<?> type) {
      return build(type);
    }
  };

  private final TypeFactory types = ShadowJson.MAPPER.getTypeFactory();
  private final Deque<Class<?>> inProgress = new ArrayDeque<>();

  private SchemaBuilder() {}

  /**
   * The root object node of a state type, derived on first use and cached.
   *
   * @throws ShadowSchemaException if the type cannot be a shadow state
   */
  public static StructNode root(Class<?> type) {
    return ROOTS.get(type);
  }

  private static StructNode build(Class<?> type) {
    SchemaBuilder builder = new SchemaBuilder();
    Node node = builder.build(builder.types.constructType(type), false, type.getSimpleName());
    if (!(node instanceof StructNode struct)) {
      throw new ShadowSchemaException(type.getName() + " must be a record or a class with properties to be a "
          + "shadow state, not " + node.getClass().getSimpleName());
    }
    return struct;
  }

  private Node build(JavaType type, boolean opaque, String where) {
    Class<?> raw = type.getRawClass();
    if (opaque || isLeaf(raw)) {
      return new LeafNode(type);
    }
    if (Map.class.isAssignableFrom(raw)) {
      if (type.getKeyType() == null || type.getKeyType().getRawClass() != String.class) {
        throw new ShadowSchemaException(where + ": map keys must be String (JSON object keys), or mark it @Opaque");
      }
      return new MapNode(build(type.getContentType(), false, where + "[]"));
    }
    if (raw.isInterface() && raw.isSealed()) {
      return union(raw, where);
    }
    if (raw.isInterface() || Modifier.isAbstract(raw.getModifiers())) {
      throw new ShadowSchemaException(where + ": " + raw.getName()
          + " is abstract; use a sealed interface of records, or mark the field @Opaque");
    }
    return struct(type, where);
  }

  private static boolean isLeaf(Class<?> raw) {
    return raw.isPrimitive() || raw.isArray() || raw.isEnum() || Collection.class.isAssignableFrom(raw)
        || JsonNode.class.isAssignableFrom(raw) || raw == Optional.class
        || (raw.getName().startsWith("java.") && !Map.class.isAssignableFrom(raw));
  }

  private StructNode struct(JavaType type, String where) {
    Class<?> raw = type.getRawClass();
    if (inProgress.contains(raw)) {
      throw new ShadowSchemaException(where + ": " + raw.getName() + " contains itself; mark the field @Opaque");
    }
    inProgress.push(raw);
    try {
      return raw.isRecord() ? recordStruct(type, where) : beanStruct(type, where);
    } finally {
      inProgress.pop();
    }
  }

  private StructNode recordStruct(JavaType type, String where) {
    Class<?> raw = type.getRawClass();
    StructNode node = new StructNode(raw, StructAccess.forRecord(raw));
    RecordComponent[] components = raw.getRecordComponents();
    List<FieldSpec> fields = new ArrayList<>();
    for (int i = 0; i < components.length; i++) {
      RecordComponent rc = components[i];
      List<AnnotatedElement> elements = new ArrayList<>(List.of(rc, rc.getAccessor()));
      try {
        elements.add(raw.getDeclaredField(rc.getName()));
      } catch (NoSuchFieldException e) {
        // Records always have the field; nothing more to look at otherwise.
      }
      JsonProperty renamed = find(elements, JsonProperty.class);
      String name = renamed != null && !renamed.value().isEmpty() ? renamed.value() : rc.getName();
      JavaType fieldType = types.resolveMemberType(rc.getGenericType(), type.getBindings());
      fields.add(field(name, i, fieldType, elements, where + "." + name));
    }
    checkFields(fields, where);
    try {
      node.init(fields);
    } catch (RuntimeException e) {
      throw new ShadowSchemaException(where + ": the constructor of " + raw.getName() + " refuses the default "
          + "values (" + e.getMessage() + "); give its fields a @DefaultValue", e);
    }
    return node;
  }

  private StructNode beanStruct(JavaType type, String where) {
    BeanDescription desc = ShadowJson.MAPPER.getSerializationConfig().introspect(type);
    List<String> names = new ArrayList<>();
    List<Function<Object, Object>> getters = new ArrayList<>();
    List<FieldSpec> fields = new ArrayList<>();
    for (BeanPropertyDefinition p : desc.findProperties()) {
      AnnotatedMember accessor = p.getAccessor();
      if (accessor == null) {
        continue;
      }
      accessor.fixAccess(true);
      List<AnnotatedElement> elements = new ArrayList<>();
      if (p.getField() != null) {
        elements.add(p.getField().getAnnotated());
      }
      if (p.getGetter() != null) {
        elements.add(p.getGetter().getAnnotated());
      }
      names.add(p.getName());
      getters.add(accessor::getValue);
      fields.add(field(p.getName(), fields.size(), accessor.getType(), elements, where + "." + p.getName()));
    }
    StructNode node = new StructNode(type.getRawClass(), StructAccess.forBean(type.getRawClass(), names, getters));
    checkFields(fields, where);
    try {
      node.init(fields);
    } catch (IllegalArgumentException e) {
      throw new ShadowSchemaException(where + ": Jackson cannot build " + type.getRawClass().getName()
          + " from its properties: " + e.getMessage(), e);
    }
    return node;
  }

  private static void checkFields(List<FieldSpec> fields, String where) {
    long flattened = fields.stream().filter(FieldSpec::flatten).count();
    if (flattened > 1) {
      throw new ShadowSchemaException(where + ": at most one @Flatten map per object");
    }
  }

  private FieldSpec field(String name, int index, JavaType type, List<AnnotatedElement> elements, String where) {
    ReportOnly reportOnly = find(elements, ReportOnly.class);
    boolean opaque = find(elements, Opaque.class) != null;
    boolean flatten = find(elements, Flatten.class) != null;
    DefaultValue custom = find(elements, DefaultValue.class);
    Node node = build(type, opaque, where);
    if (flatten && !(node instanceof MapNode)) {
      throw new ShadowSchemaException(where + ": @Flatten needs a Map<String, ?> field that is not @Opaque");
    }
    List<FieldSpec.Migration> migrations = migrations(elements, where);
    if (!migrations.isEmpty() && !(node instanceof LeafNode)) {
      throw new ShadowSchemaException(where + ": @MigrateFrom only applies to leaf fields (scalars, strings, "
          + "lists, @Opaque values)");
    }
    Object defaultValue = node.defaultValue();
    if (custom != null) {
      defaultValue = customDefault(node, custom.value(), where);
    }
    boolean persisted = reportOnly == null || reportOnly.persist();
    return new FieldSpec(name, Segments.encode(name), index, node, reportOnly != null, persisted, flatten,
        migrations, defaultValue, custom != null);
  }

  private static Object customDefault(Node node, String json, String where) {
    try {
      JsonNode tree = ShadowJson.MAPPER.readTree(json);
      if (node instanceof LeafNode leaf) {
        return leaf.read(tree, "");
      }
      Patch patch = DeltaParser.parse(node, tree, node.defaultValue(), "", DeltaParser.Mode.REPORTED);
      return patch == null ? node.defaultValue() : DeltaApplier.apply(node, node.defaultValue(), patch);
    } catch (ShadowDeltaException | java.io.IOException e) {
      throw new ShadowSchemaException(where + ": @DefaultValue(" + json + ") does not fit: " + e.getMessage(), e);
    }
  }

  private static List<FieldSpec.Migration> migrations(List<AnnotatedElement> elements, String where) {
    Set<MigrateFrom> seen = new HashSet<>();
    List<FieldSpec.Migration> out = new ArrayList<>();
    for (AnnotatedElement e : elements) {
      for (MigrateFrom m : e.getAnnotationsByType(MigrateFrom.class)) {
        if (!seen.add(m)) {
          continue;
        }
        List<String> segments = Arrays.stream(m.value().split("/")).filter(s -> !s.isEmpty())
            .map(Segments::encode).toList();
        if (segments.isEmpty()) {
          throw new ShadowSchemaException(where + ": @MigrateFrom needs a path");
        }
        FieldConverter converter;
        try {
          var ctor = m.converter().getDeclaredConstructor();
          ctor.setAccessible(true);
          converter = ctor.newInstance();
        } catch (ReflectiveOperationException | RuntimeException ex) {
          throw new ShadowSchemaException(where + ": cannot create converter " + m.converter().getName()
              + " (it needs a no-argument constructor)", ex);
        }
        out.add(new FieldSpec.Migration(m.value(), segments, converter));
      }
    }
    return out;
  }

  private UnionNode union(Class<?> raw, String where) {
    TaggedUnion ann = raw.getAnnotation(TaggedUnion.class);
    Tagging tagging = ann == null ? Tagging.EXTERNAL : ann.tagging();
    String tag = ann == null ? "type" : ann.tag();
    String content = ann == null ? "content" : ann.content();
    if (inProgress.contains(raw)) {
      throw new ShadowSchemaException(where + ": " + raw.getName() + " contains itself; mark the field @Opaque");
    }
    inProgress.push(raw);
    try {
      List<VariantSpec> variants = new ArrayList<>();
      Set<String> names = new HashSet<>();
      for (Class<?> sub : raw.getPermittedSubclasses()) {
        VariantSpec v = variant(sub, where);
        if (!names.add(v.name())) {
          throw new ShadowSchemaException(where + ": two variants named " + v.name());
        }
        if (tagging == Tagging.INTERNAL && v.kind() == VariantSpec.Kind.OPAQUE) {
          throw new ShadowSchemaException(where + ": variant " + v.name() + " is @Opaque, which an internally "
              + "tagged union cannot hold (its content must be an object); use ADJACENT tagging");
        }
        if (tagging == Tagging.INTERNAL && v.fieldNames(false).contains(tag)) {
          throw new ShadowSchemaException(where + ": variant " + v.name() + " has a field named like the tag " + tag);
        }
        variants.add(v);
      }
      if (variants.isEmpty()) {
        throw new ShadowSchemaException(where + ": sealed " + raw.getName() + " permits no variants");
      }
      VariantSpec fallback = variants.get(0);
      if (ann != null && ann.defaultVariant() != void.class) {
        fallback = variants.stream().filter(v -> v.type() == ann.defaultVariant()).findFirst()
            .orElseThrow(() -> new ShadowSchemaException(where + ": default variant "
                + ann.defaultVariant().getName() + " is not permitted by " + raw.getName()));
      }
      return new UnionNode(raw, tagging, tag, content, variants, fallback);
    } finally {
      inProgress.pop();
    }
  }

  private VariantSpec variant(Class<?> sub, String where) {
    if (sub.isInterface() || Modifier.isAbstract(sub.getModifiers())) {
      throw new ShadowSchemaException(where + ": variant " + sub.getName() + " must be a record or final class");
    }
    JsonTypeName typeName = sub.getAnnotation(JsonTypeName.class);
    String name = typeName != null && !typeName.value().isEmpty() ? typeName.value() : sub.getSimpleName();
    String segment = Segments.encode(name);
    String here = where + "<" + name + ">";
    if (sub.isAnnotationPresent(Opaque.class)) {
      if (sub.isRecord() && sub.getRecordComponents().length == 1) {
        StructAccess access = StructAccess.forRecord(sub);
        JavaType inner = types.constructType(sub.getRecordComponents()[0].getGenericType());
        return new VariantSpec(name, segment, sub, VariantSpec.Kind.OPAQUE, new LeafNode(inner), null,
            value -> access.construct(new Object[] {value}), instance -> access.get(instance, 0));
      }
      return new VariantSpec(name, segment, sub, VariantSpec.Kind.OPAQUE, new LeafNode(types.constructType(sub)),
          null, Function.identity(), Function.identity());
    }
    StructNode struct = struct(types.constructType(sub), here);
    if (struct.fields().isEmpty()) {
      return new VariantSpec(name, segment, sub, VariantSpec.Kind.UNIT, null, struct.defaultValue(), null, null);
    }
    return new VariantSpec(name, segment, sub, VariantSpec.Kind.STRUCT, struct, null, null, null);
  }

  private static <A extends Annotation> A find(List<AnnotatedElement> elements, Class<A> type) {
    for (AnnotatedElement e : elements) {
      A a = e.getAnnotation(type);
      if (a != null) {
        return a;
      }
    }
    return null;
  }
}
