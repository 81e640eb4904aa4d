package dev.stitch.stream.state;

import dev.stitch.schema.internal.Campaign;
import dev.stitch.schema.internal.Touch;
import dev.stitch.schema.internal.TraitValue;
import dev.stitch.schema.internal.UserProfile;
import dev.stitch.schema.internal.UserState;
import dev.stitch.schema.internal.WaitingEvent;
import dev.stitch.serde.SchemaRegistries;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.maps;
import static org.quicktheories.generators.SourceDSL.strings;

/**
 * Whatever a user's state or profile holds, its copy equals it in collections of its own, and the bound
 * on its encoded size is at least what the store's serde writes: the write-back store trusts it to
 * write a value at its put when it may be too large for a record.
 */
class DecodedValuesPropertyTest {

    private static final int EXAMPLES = 300;
    /** Any text: characters of one to four UTF-8 bytes, surrogate pairs among them. */
    private static final Gen<String> TEXTS = strings().allPossible().ofLengthBetween(0, 40);
    private static final Gen<String> OPTIONAL_TEXTS = booleans().all().zip(TEXTS, (none, text) -> none ? null : text);
    private static final Gen<Long> NUMBERS = longs().all();
    private static final Gen<WaitingEvent> WAITING = NUMBERS.zip(TEXTS, NUMBERS, WaitingEvent::new);
    private static final Gen<UserState> STATES = lists().of(NUMBERS).ofSize(5)
            .zip(TEXTS, lists().of(WAITING).ofSizeBetween(0, 30), booleans().all(), (numbers, maxMessageId, waiting, erased) ->
                    new UserState(numbers.get(0), numbers.get(1), maxMessageId, numbers.get(2), numbers.get(3), numbers.get(4), erased,
                            new ArrayList<>(waiting)));
    private static final Gen<Campaign> CAMPAIGNS = OPTIONAL_TEXTS.zip(OPTIONAL_TEXTS, OPTIONAL_TEXTS, OPTIONAL_TEXTS,
            (source, medium, name, term) -> new Campaign(source, medium, name, term, source));
    private static final Gen<Touch> TOUCHES = NUMBERS.zip(TEXTS, booleans().all().zip(CAMPAIGNS, (none, campaign) -> none ? null : campaign),
            OPTIONAL_TEXTS, (at, messageId, campaign, referrer) -> new Touch(at, messageId, campaign, referrer, referrer, messageId));
    private static final Gen<Touch> OPTIONAL_TOUCHES = booleans().all().zip(TOUCHES, (none, touch) -> none ? null : touch);
    private static final Gen<UserProfile> PROFILES = maps().of(TEXTS, TEXTS.zip(NUMBERS, TraitValue::new)).ofSizeBetween(0, 20)
            .zip(lists().of(TEXTS).ofSizeBetween(0, 15), lists().of(TEXTS).ofSizeBetween(0, 5), integers().between(0, 1_000_000),
                    (traits, anonymousIds, mergedIds, unlisted) -> new UserProfile(new HashMap<>(traits), new ArrayList<>(anonymousIds),
                            new ArrayList<>(mergedIds), (long) unlisted, (long) unlisted / 3, null, null))
            .zip(OPTIONAL_TOUCHES, OPTIONAL_TOUCHES, (profile, first, latest) -> {
                profile.setFirstTouch(first);
                profile.setLatestTouch(latest);
                return profile;
            });

    private final StitchSerdes serdes = StitchSerdes.using(SchemaRegistries.connect("mock://" + UUID.randomUUID(), null));

    @Test
    void aStatesCopyEqualsItInAListOfItsOwnAndItsBoundHoldsItsEncoding() {
        UserStateValues values = new UserStateValues();
        qt().withExamples(EXAMPLES).forAll(STATES).check(state -> {
            UserState copy = values.copy(state);
            int encoded = serdes.userState().serializer().serialize("app-user-state-changelog", state).length;
            return copy.equals(state) && copy.getWaiting() != state.getWaiting() && values.maxEncodedBytes(state) >= encoded;
        });
    }

    @Test
    void aProfilesCopyEqualsItInCollectionsOfItsOwnAndItsBoundHoldsItsEncoding() {
        UserProfileValues values = new UserProfileValues();
        qt().withExamples(EXAMPLES).forAll(PROFILES).check(profile -> {
            UserProfile copy = values.copy(profile);
            int encoded = serdes.userProfile().serializer().serialize("app-profiles-changelog", profile).length;
            return copy.equals(profile) && copy.getTraits() != profile.getTraits() && copy.getAnonymousIds() != profile.getAnonymousIds()
                    && copy.getMergedIds() != profile.getMergedIds() && values.maxEncodedBytes(profile) >= encoded;
        });
    }

    @Test
    void aCopyIsChangedWithoutChangingTheOriginal() {
        UserState state = new UserState(3L, 10L, "m3", 1L, 10L, 3L, false, new ArrayList<>(List.of(new WaitingEvent(10L, "m3", 99L))));
        UserState copy = new UserStateValues().copy(state);
        copy.getWaiting().clear();
        copy.setLastSequence(4L);
        assertThat(state.getWaiting()).hasSize(1);
        assertThat(state.getLastSequence()).isEqualTo(3L);
    }
}
