package dev.stitch.serde;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;

/**
 * A registry in front of another that remembers what never changes: the id each (subject, schema) pair was
 * registered with, and the schema behind each id. {@link #latest} and {@link #isCompatible} change as
 * versions are added, so they always ask the registry behind. The caches are unbounded: a pipeline uses a
 * handful of schemas.
 */
public final class CachingSchemaRegistry implements SchemaRegistry {

    private final SchemaRegistry delegate;
    private final ConcurrentMap<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    public CachingSchemaRegistry(SchemaRegistry delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema.toString());
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        // Not computeIfAbsent: that would hold a map lock across a network call. Racing callers get the same id.
        int id = delegate.register(subject, schema);
        idsBySubjectSchema.putIfAbsent(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        Schema schema = delegate.schemaById(id);
        Schema raced = schemasById.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return delegate.latest(subject);
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        return delegate.isCompatible(subject, schema);
    }

    @Override
    public List<String> subjects() {
        return delegate.subjects();
    }

    /** The schema as JSON text: registries tell schemas apart by their text, docs included. */
    private record SubjectSchema(String subject, String schemaText) {
    }
}
