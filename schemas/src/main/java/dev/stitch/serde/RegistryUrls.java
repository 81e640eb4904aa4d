package dev.stitch.serde;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A schema registry URL setting taken apart: the base URLs to try in order, and the basic-auth user info
 * ({@code user:password}) that any of them carried, or null.
 */
record RegistryUrls(List<URI> baseUrls, String userInfo) {

    RegistryUrls {
        baseUrls = List.copyOf(baseUrls);
    }

    /**
     * Parses a comma-separated list of {@code http(s)://[user:password@]host:port[/path]} URLs.
     *
     * @throws IllegalArgumentException naming the URL that is not usable
     */
    static RegistryUrls parse(String commaSeparatedUrls) {
        if (commaSeparatedUrls == null || commaSeparatedUrls.isBlank()) {
            throw new IllegalArgumentException("The schema registry URL is empty; give http(s)://host:port, "
                    + "several separated by commas.");
        }
        List<URI> baseUrls = new ArrayList<>();
        String userInfo = null;
        for (String part : commaSeparatedUrls.split(",")) {
            String text = part.strip();
            if (text.isEmpty()) {
                continue;
            }
            URI url = toUri(text);
            if (url.getUserInfo() != null) {
                if (userInfo != null && !userInfo.equals(url.getUserInfo())) {
                    throw new IllegalArgumentException("The schema registry URLs carry different user info; "
                            + "give the credentials once, in the basic-auth setting or in every URL alike.");
                }
                userInfo = url.getUserInfo();
            }
            baseUrls.add(withoutUserInfo(url, text));
        }
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("The schema registry URL '" + commaSeparatedUrls
                    + "' names no URL; give http(s)://host:port, several separated by commas.");
        }
        return new RegistryUrls(baseUrls, userInfo);
    }

    private static URI toUri(String text) {
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Schema registry URL '" + redacted(text) + "' is not a URL: "
                    + e.getReason() + ".", e);
        }
        String scheme = Objects.requireNonNullElse(url.getScheme(), "").toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new IllegalArgumentException("Schema registry URL '" + redacted(text)
                    + "' must look like http(s)://host:port (or mock://<scope> for an in-memory registry).");
        }
        return url;
    }

    private static URI withoutUserInfo(URI url, String text) {
        try {
            String path = url.getPath() == null || url.getPath().equals("/") ? "" : url.getPath();
            return new URI(url.getScheme(), null, url.getHost(), url.getPort(), path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Schema registry URL '" + redacted(text) + "' is not a URL: "
                    + e.getReason() + ".", e);
        }
    }

    /** Keeps the password out of logs. */
    @Override
    public String toString() {
        return "RegistryUrls[baseUrls=" + baseUrls + ", userInfo=" + (userInfo == null ? "none" : "***") + "]";
    }

    /** Hides a password before a URL goes into a message. */
    private static String redacted(String url) {
        return url.replaceFirst("//[^/@]*@", "//***@");
    }
}
