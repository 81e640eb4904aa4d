package dev.stitch.stream.state;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The erased users' cut-offs, asked for on every event: each found, whether written by this task or before it started. */
class ErasureMemoryTest {

    @Test
    void aCutOffIsFoundOnceRememberedAndNoOtherUserHasOne() {
        ErasureMemory erasures = new ErasureMemory(new CachedStoreTest.CountingStore().store);
        assertThat(erasures.erasedUpTo("user-x")).isNull();

        erasures.remember("user-x", 1_000L);

        assertThat(erasures.erasedUpTo("user-x")).isEqualTo(1_000L);
        assertThat(erasures.erasedUpTo("user-y")).isNull();
    }

    @Test
    void aCutOffTheStoreHeldBeforeTheTaskStartedIsFound() {
        CachedStoreTest.CountingStore restored = new CachedStoreTest.CountingStore();
        restored.store.put(ErasureMemory.keyOf("user-x"), 1_000L);

        ErasureMemory erasures = new ErasureMemory(restored.store);

        assertThat(erasures.erasedUpTo("user-x")).isEqualTo(1_000L);
    }
}
