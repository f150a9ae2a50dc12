package dev.larder.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.strategies.LoadTimeoutException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import org.junit.jupiter.api.Test;

/** The JSR-107 loader and writer seen through strategies' contracts. */
class JsrAdaptersTest {

    /** Writes entries until it meets the value "bad", JSR-107 style: written entries leave the batch. */
    private static final class StopAtBad implements CacheWriter<String, String> {
        final List<String> written = new ArrayList<>();
        final List<Object> deleted = new ArrayList<>();

        @Override
        public void write(final Cache.Entry<? extends String, ? extends String> entry) {
            if ("bad".equals(entry.getValue())) {
                throw new CacheWriterException("cannot write " + entry.getKey());
            }
            written.add(entry.getKey());
        }

        @Override
        public void writeAll(final Collection<Cache.Entry<? extends String, ? extends String>> entries) {
            final Iterator<Cache.Entry<? extends String, ? extends String>> it = entries.iterator();
            while (it.hasNext()) {
                write(it.next());
                it.remove();
            }
        }

        @Override
        public void delete(final Object key) {
            if ("locked".equals(key)) {
                throw new IllegalStateException("row locked");
            }
            deleted.add(key);
        }

        @Override
        public void deleteAll(final Collection<?> keys) {
            final Iterator<?> it = keys.iterator();
            while (it.hasNext()) {
                delete(it.next());
                it.remove();
            }
        }
    }

    @Test
    void writeAllLeavesExactlyTheEntriesTheJsrWriterDidNotWrite() {
        final StopAtBad jsr = new StopAtBad();
        final JsrCacheWriterAdapter<String, String> writer = new JsrCacheWriterAdapter<>(jsr);
        final Map.Entry<String, String> a = new AbstractMap.SimpleImmutableEntry<>("a", "1");
        final Map.Entry<String, String> b = new AbstractMap.SimpleImmutableEntry<>("b", "bad");
        final Map.Entry<String, String> c = new AbstractMap.SimpleImmutableEntry<>("c", "3");
        final Collection<Map.Entry<String, String>> batch = new ArrayList<>(List.of(a, b, c));
        assertThatThrownBy(() -> writer.writeAll(batch)).isInstanceOf(CacheWriterException.class);
        assertThat(jsr.written).containsExactly("a");
        assertThat(batch).containsExactly(b, c);
    }

    @Test
    void writeAllThatSucceedsAppliesEverything() {
        final StopAtBad jsr = new StopAtBad();
        final JsrCacheWriterAdapter<String, String> writer = new JsrCacheWriterAdapter<>(jsr);
        final Collection<Map.Entry<String, String>> batch = new ArrayList<>(List.of(
            new AbstractMap.SimpleImmutableEntry<>("a", "1"), new AbstractMap.SimpleImmutableEntry<>("b", "2")));
        writer.writeAll(batch);
        assertThat(jsr.written).containsExactly("a", "b");
        writer.write("c", "3");
        assertThat(jsr.written).containsExactly("a", "b", "c");
    }

    @Test
    void deleteAllLeavesTheKeysNotDeletedAndErrorsBecomeCacheWriterExceptions() {
        final StopAtBad jsr = new StopAtBad();
        final JsrCacheWriterAdapter<String, String> writer = new JsrCacheWriterAdapter<>(jsr);
        final Collection<String> keys = new ArrayList<>(List.of("x", "locked", "y"));
        final IllegalStateException failure = catchIllegalState(() -> writer.deleteAll(keys));
        assertThat(failure).hasMessage("row locked");
        assertThat(jsr.deleted).containsExactly("x");
        assertThat(keys).containsExactly("locked", "y");
        assertThat(JsrCacheWriterAdapter.toJsr(failure)).isInstanceOf(CacheWriterException.class).hasCause(failure);
        final CacheWriterException own = new CacheWriterException("own");
        assertThat(JsrCacheWriterAdapter.toJsr(own)).isSameAs(own);
    }

    @Test
    void loaderPassesThroughAndNullLoadAllMeansNothingFound() throws Exception {
        final JsrCacheLoaderAdapter<String, String> loader = new JsrCacheLoaderAdapter<>(new CacheLoader<>() {
            @Override
            public String load(final String key) {
                return "missing".equals(key) ? null : "v(" + key + ")";
            }

            @Override
            public Map<String, String> loadAll(final Iterable<? extends String> keys) {
                return null;
            }
        });
        assertThat(loader.load("k")).isEqualTo("v(k)");
        assertThat(loader.load("missing")).isNull();
        assertThat(loader.loadAll(Set.of("a", "b"))).isEmpty();
    }

    @Test
    void loaderFailuresBecomeJsrCacheLoaderExceptions() {
        final CacheLoaderException own = new CacheLoaderException("own");
        assertThat(JsrCacheLoaderAdapter.toJsr(own)).isSameAs(own);
        final IllegalStateException plain = new IllegalStateException("down");
        assertThat(JsrCacheLoaderAdapter.toJsr(plain)).isInstanceOf(CacheLoaderException.class).hasCause(plain);
        final LoadTimeoutException timeout = new LoadTimeoutException("waited for key k");
        assertThat(JsrCacheLoaderAdapter.toJsr(timeout)).isInstanceOf(CacheLoaderException.class)
            .hasMessage("waited for key k").hasCause(timeout);
        final AssertionError error = new AssertionError("error");
        assertThatThrownBy(() -> JsrCacheLoaderAdapter.toJsr(error)).isSameAs(error);
    }

    private static IllegalStateException catchIllegalState(final Runnable body) {
        try {
            body.run();
        } catch (final IllegalStateException e) {
            return e;
        }
        throw new AssertionError("expected an IllegalStateException");
    }
}
