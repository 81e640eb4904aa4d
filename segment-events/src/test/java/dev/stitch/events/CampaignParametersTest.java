package dev.stitch.events;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A URL's utm_* parameters under Segment's campaign names. */
class CampaignParametersTest {

    @Test
    void namesEachUtmParameterAsSegmentsCampaignDoes() {
        assertThat(CampaignParameters.ofUrl("https://shop.example.com/?utm_source=news&utm_medium=email&utm_campaign=spring"
                + "&utm_term=running%20shoes&utm_content=hero+banner&plan=pro#top"))
                .isEqualTo(Map.of("source", "news", "medium", "email", "name", "spring", "term", "running shoes",
                        "content", "hero banner"));
    }

    @Test
    void takesTheFirstUsableValueAndLeavesOutWhatDoesNotDecode() {
        assertThat(CampaignParameters.ofQuery("utm_source=%zz&utm_source=second&utm_source=third&utm_medium=&utm_medium"))
                .isEqualTo(Map.of("source", "second"));
    }

    @Test
    void findsNoneWithoutAQueryOrBehindTheFragment() {
        assertThat(CampaignParameters.ofUrl("https://shop.example.com/pricing")).isEmpty();
        assertThat(CampaignParameters.ofUrl("https://shop.example.com/?plan=pro#utm_source=x")).isEmpty();
    }
}
