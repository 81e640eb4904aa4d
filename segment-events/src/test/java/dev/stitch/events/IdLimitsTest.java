package dev.stitch.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.schema.SegmentEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdLimitsTest {

    private final IdLimits limits = new IdLimits(8);

    @Test
    void namesTheFirstIdLongerThanTheLimit() {
        assertThat(limits.tooLongField(event("{\"type\":\"identify\",\"userId\":\"12345678\",\"anonymousId\":\"a\"}"))).isNull();
        assertThat(limits.tooLongField(event("{\"type\":\"identify\",\"userId\":\"123456789\"}"))).isEqualTo("userId");
        assertThat(limits.tooLongField(event("{\"type\":\"page\",\"anonymousId\":\"a\",\"context\":{\"anonymousId\":\"123456789\"}}")))
                .isEqualTo("context.anonymousId");
        assertThat(limits.tooLongField(event("{\"type\":\"alias\",\"userId\":\"u\",\"previousId\":\"123456789\"}")))
                .isEqualTo("previousId");
        assertThat(limits.tooLongField(event("{\"type\":\"group\",\"userId\":\"u\",\"groupId\":\"123456789\"}")))
                .isEqualTo("groupId");
    }

    @Test
    void refusesALimitBelowOne() {
        assertThatThrownBy(() -> new IdLimits(0)).hasMessageContaining(IdLimits.SETTING);
    }

    private static SegmentEvent event(String json) {
        try {
            return SegmentEventParser.parse((ObjectNode) SegmentEventParser.JSON.readTree(json), Instant.EPOCH, "test");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
