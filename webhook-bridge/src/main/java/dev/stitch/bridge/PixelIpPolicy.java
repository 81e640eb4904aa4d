package dev.stitch.bridge;

import java.util.Locale;

/**
 * How much of the client's IP the pixel's {@code ip_policy} query parameter lets the bridge keep in
 * {@code context.ip}. The pixel adds the parameter only when the page sets its {@code ipPolicy} to
 * {@code strict} or {@code comply}; without it the IP is kept whole. {@code comply} would depend on the
 * visitor's country, which the bridge does not know, so it is treated as {@code strict}; so is any other
 * value, the page having asked for something other than keeping the IP.
 */
enum PixelIpPolicy {

    KEEP,
    /** IPv4 without its last octet ({@code 203.0.113.0}), IPv6 without all but its first three groups ({@code 2001:db8:85a3::}). */
    ANONYMISE;

    static PixelIpPolicy of(String parameter) {
        return parameter == null || parameter.trim().toLowerCase(Locale.ROOT).equals("keep") ? KEEP : ANONYMISE;
    }

    /** The IP to keep: whole, or with the part that names one subscriber left out; null stays null. */
    String apply(String ip) {
        if (ip == null || this == KEEP) {
            return ip;
        }
        int colon = ip.indexOf(':');
        if (colon < 0) {
            int lastDot = ip.lastIndexOf('.');
            return lastDot < 0 ? null : ip.substring(0, lastDot) + ".0";
        }
        String[] groups = ip.split(":", -1);
        StringBuilder kept = new StringBuilder();
        for (int i = 0; i < 3 && i < groups.length && !groups[i].isEmpty(); i++) {
            kept.append(groups[i]).append(':');
        }
        return kept.isEmpty() ? "::" : kept.append(':').toString();
    }
}
