package dev.larder.eviction.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The module's committed traces (eviction/simulator/traces), read once per JVM. */
final class TestTraces {
    private static final Map<String, long[]> CACHE = new ConcurrentHashMap<>();

    private TestTraces() {
    }

    static Path dir() {
        return Path.of(System.getProperty("larder.traces", "traces"));
    }

    static long[] load(final String name) {
        return CACHE.computeIfAbsent(name, n -> {
            try {
                return TraceReader.read(dir().resolve(n));
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** @return round(share x distinct keys), as the simulator computes capacities */
    static int capacity(final String name, final double share) {
        return Simulator.capacities(Double.toString(share), TraceReader.distinct(load(name)))[0];
    }
}
