package dev.stitch.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the final stage of one of docker/'s Dockerfiles gives a container: its environment, exposed
 * ports, volumes, user, health check and command line. Reads the plain forms those files use
 * ({@code ENV NAME=value}, JSON-array {@code ENTRYPOINT} and {@code CMD}) and refuses any other.
 */
record Dockerfile(Path path, Map<String, String> env, List<Integer> exposedPorts, List<String> volumes,
                  String user, String healthCheck, List<String> entrypoint, List<String> cmd) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The Dockerfile of an image: {@code registry/path/stitch-stream:tag} is built by docker/stitch-stream.Dockerfile. */
    static Dockerfile ofImage(Path repository, String image) {
        String name = image.substring(image.lastIndexOf('/') + 1);
        if (name.contains(":")) {
            name = name.substring(0, name.indexOf(':'));
        }
        return read(repository.resolve("docker").resolve(name + ".Dockerfile"));
    }

    static Dockerfile read(Path path) {
        List<String> instructions;
        try {
            instructions = instructions(Files.readAllLines(path));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + path + ": " + e.getMessage(), e);
        }
        Map<String, String> env = new LinkedHashMap<>();
        List<Integer> ports = new ArrayList<>();
        List<String> volumes = new ArrayList<>();
        String user = null;
        String healthCheck = null;
        List<String> entrypoint = List.of();
        List<String> cmd = List.of();
        for (String instruction : instructions) {
            String keyword = instruction.split("\\s+", 2)[0].toUpperCase();
            String rest = instruction.substring(keyword.length()).trim();
            switch (keyword) {
                case "FROM" -> { // a new stage: only the last one is the image
                    env.clear();
                    ports.clear();
                    volumes.clear();
                    user = null;
                    healthCheck = null;
                    entrypoint = List.of();
                    cmd = List.of();
                }
                case "ENV" -> {
                    for (String word : words(rest)) {
                        int equals = word.indexOf('=');
                        if (equals < 1) {
                            throw new AssertionError(path + ": write ENV as NAME=value, found: " + instruction);
                        }
                        env.put(word.substring(0, equals), word.substring(equals + 1));
                    }
                }
                case "EXPOSE" -> words(rest).forEach(port -> ports.add(Integer.parseInt(port.replace("/tcp", ""))));
                case "VOLUME" -> volumes.addAll(rest.startsWith("[") ? jsonArray(path, rest) : words(rest));
                case "USER" -> user = rest;
                case "HEALTHCHECK" -> healthCheck = rest;
                case "ENTRYPOINT" -> entrypoint = jsonArray(path, rest);
                case "CMD" -> cmd = jsonArray(path, rest);
                default -> { }
            }
        }
        return new Dockerfile(path, Map.copyOf(env), List.copyOf(ports), List.copyOf(volumes), user, healthCheck,
                entrypoint, cmd);
    }

    /** The command line a container runs: the entrypoint, then its own arguments when given, else the image's CMD. */
    List<String> commandLine(List<String> arguments) {
        List<String> line = new ArrayList<>(entrypoint);
        line.addAll(arguments == null || arguments.isEmpty() ? cmd : arguments);
        return line;
    }

    /** Instructions with their continuation lines joined, comments and blank lines left out. */
    private static List<String> instructions(List<String> lines) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || trimmed.isEmpty() && current.isEmpty()) {
                continue;
            }
            boolean continues = trimmed.endsWith("\\");
            current.append(continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
            if (!continues) {
                instructions.add(current.toString().trim());
                current.setLength(0);
            }
        }
        return instructions;
    }

    /** Splits on spaces outside double quotes, dropping the quotes. */
    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }

    private static List<String> jsonArray(Path path, String text) {
        try {
            return JSON.readValue(text, new TypeReference<List<String>>() { });
        } catch (IOException e) {
            throw new AssertionError(path + ": write ENTRYPOINT, CMD and VOLUME as JSON arrays, found: " + text, e);
        }
    }
}
