package dev.larder.core;

/** Run in a child JVM by {@link MissingJvmFlagTest}: builds a Larder and reports success. */
public final class MissingFlagMain {
    private MissingFlagMain() {
    }

    public static void main(final String[] args) {
        try (Larder larder = Larder.builder().build()) {
            larder.cache("c", Codecs.utf8(), Codecs.utf8()).put("k", "v");
            System.out.println("larder built");
        }
    }
}
