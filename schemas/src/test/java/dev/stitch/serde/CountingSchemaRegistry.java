package dev.stitch.serde;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/** A registry in front of another that counts the calls it passes on. */
final class CountingSchemaRegistry implements SchemaRegistry {

    final AtomicInteger registrations = new AtomicInteger();
    final AtomicInteger lookupsById = new AtomicInteger();
    private final SchemaRegistry delegate;

    CountingSchemaRegistry(SchemaRegistry delegate) {
        this.delegate = delegate;
    }

    @Override
    public int register(String subject, Schema schema) {
        registrations.incrementAndGet();
        return delegate.register(subject, schema);
    }

    @Override
    public Schema schemaById(int id) {
        lookupsById.incrementAndGet();
        return delegate.schemaById(id);
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
}
