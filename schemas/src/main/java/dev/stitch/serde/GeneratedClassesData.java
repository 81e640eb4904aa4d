package dev.stitch.serde;

import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The Avro data model for reading one generated record class: it knows the generated classes named in that
 * class's own schema (the record, its nested records, enums and fixed types), with the class's logical-type
 * conversions.
 *
 * <p>Avro 1.12 refuses to load a class named by a schema unless its package is trusted through the
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES} system property or a global
 * {@link org.apache.avro.util.ClassSecurityValidator}. That guard is against a writer schema naming an arbitrary
 * class; here the classes come from the reader's compiled schema, which the caller chose by handing over the
 * class. Resolving exactly those directly trusts nothing else and leaves the JVM-wide setting alone; any other
 * name still goes through Avro's guard.
 */
final class GeneratedClassesData extends SpecificData {

    private final Map<String, Class<?>> classesByFullName;

    private GeneratedClassesData(Class<?> recordClass, Map<String, Class<?>> classesByFullName) {
        super(recordClass.getClassLoader());
        this.classesByFullName = Map.copyOf(classesByFullName);
        // The generated class's own model carries the conversions (timestamp-millis to Instant, ...) it was built with.
        SpecificData.getForClass(recordClass).getConversions().forEach(this::addLogicalTypeConversion);
    }

    static GeneratedClassesData forRecordClass(Class<? extends SpecificRecord> recordClass) {
        Map<String, Class<?>> classes = new HashMap<>();
        collectGeneratedClasses(SpecificData.get().getSchema(recordClass), recordClass.getClassLoader(), classes);
        return new GeneratedClassesData(recordClass, classes);
    }

    @Override
    public Class getClass(Schema schema) {
        Class<?> known = schema.getFullName() == null ? null : classesByFullName.get(schema.getFullName());
        return known != null ? known : super.getClass(schema);
    }

    /** Walks the schema, mapping each named type to its generated class when there is one. */
    private static void collectGeneratedClasses(Schema schema, ClassLoader loader, Map<String, Class<?>> classes) {
        switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> {
                if (classes.containsKey(schema.getFullName())) {
                    return;
                }
                Class<?> generated = generatedClass(schema, loader);
                if (generated == null) {
                    return;
                }
                classes.put(schema.getFullName(), generated);
                if (schema.getType() == Schema.Type.RECORD) {
                    schema.getFields().forEach(field -> collectGeneratedClasses(field.schema(), loader, classes));
                }
            }
            case UNION -> schema.getTypes().forEach(branch -> collectGeneratedClasses(branch, loader, classes));
            case ARRAY -> collectGeneratedClasses(schema.getElementType(), loader, classes);
            case MAP -> collectGeneratedClasses(schema.getValueType(), loader, classes);
            default -> {
                // Primitive types name no class.
            }
        }
    }

    private static Class<?> generatedClass(Schema schema, ClassLoader loader) {
        try {
            // Not initialized: only its kind is looked at here; Avro initializes it when it builds instances.
            Class<?> candidate = Class.forName(SpecificData.getClassName(schema), false, loader);
            boolean generated = SpecificRecord.class.isAssignableFrom(candidate)
                    || candidate.isEnum()
                    || GenericFixed.class.isAssignableFrom(candidate);
            return generated ? candidate : null;
        } catch (ClassNotFoundException e) {
            return null;
        }
    }
}
