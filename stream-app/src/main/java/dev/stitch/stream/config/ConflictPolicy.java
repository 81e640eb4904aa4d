package dev.stitch.stream.config;

/**
 * What happens when an anonymous id already linked to one user shows up with another (R6, a shared
 * device). Either way the two users are not merged and the refusal is recorded.
 */
public enum ConflictPolicy {
    /** The latest login wins: the id's later events go to the new user. */
    LATEST_WINS,
    /** The first link stays: the id's later anonymous events keep going to the first user. */
    FIRST_WINS
}
