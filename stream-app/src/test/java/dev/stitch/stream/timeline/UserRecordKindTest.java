package dev.stitch.stream.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stitch.schema.SegmentEvent;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class UserRecordKindTest {

    private static final SegmentEvent EVENT = SegmentEvent.newBuilder()
            .setMessageId("m1").setType("track").setUserId("alice").setJson("{}")
            .setTimestamp(Instant.ofEpochMilli(1_000)).setReceivedAt(Instant.ofEpochMilli(2_000)).build();

    @Test
    void eachKindIsReadBackFromTheHeaderItMarks() {
        for (UserRecordKind kind : UserRecordKind.values()) {
            assertThat(UserRecordKind.of(kind.mark(new RecordHeaders()))).isEqualTo(kind);
        }
    }

    @Test
    void markingAgainReplacesTheKindTheHeadersHeld() {
        Headers headers = UserRecordKind.EVENT.mark(OrderHeaders.of(EVENT));

        UserRecordKind.MOVED_EVENT.mark(headers);

        assertThat(UserRecordKind.of(headers)).isEqualTo(UserRecordKind.MOVED_EVENT);
        assertThat(headers.headers(UserRecordKind.HEADER)).hasSize(1);
        assertThat(OrderHeaders.readable(headers)).isTrue();
    }

    @Test
    void anEventWrittenBeforeTheHeaderIsAnEventByItsOrderHeaders() {
        assertThat(UserRecordKind.of(OrderHeaders.of(EVENT))).isEqualTo(UserRecordKind.EVENT);
    }

    @Test
    void noHeadersAnUnknownMarkerOrAMalformedMarkerNameNoKind() {
        assertThat(UserRecordKind.of(new RecordHeaders())).isNull();
        assertThat(UserRecordKind.of(new RecordHeaders().add(UserRecordKind.HEADER, new byte[]{'x'}))).isNull();
        assertThat(UserRecordKind.of(new RecordHeaders().add(UserRecordKind.HEADER, new byte[]{'e', 'c'}))).isNull();
        assertThat(UserRecordKind.of(new RecordHeaders().add(UserRecordKind.HEADER, null))).isNull();
    }
}
