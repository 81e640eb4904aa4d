package dev.stitch.deploy;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An environment that remembers which variables were asked for by name, so a test learns the names
 * a program really reads by letting it read its configuration. Going through all variables (as the
 * {@code KAFKA_} pass-through does) asks for no name.
 */
final class RecordingEnvironment extends AbstractMap<String, String> {

    private final Map<String, String> variables;
    private final Set<String> asked = new TreeSet<>();

    RecordingEnvironment(Map<String, String> variables) {
        this.variables = variables;
    }

    Set<String> namesAskedFor() {
        return asked;
    }

    @Override
    public String get(Object name) {
        asked.add((String) name);
        return variables.get(name);
    }

    @Override
    public boolean containsKey(Object name) {
        asked.add((String) name);
        return variables.containsKey(name);
    }

    @Override
    public String getOrDefault(Object name, String fallback) {
        asked.add((String) name);
        return variables.getOrDefault(name, fallback);
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return variables.entrySet();
    }
}
