package dev.larder.core;

/** Child JVM main for {@link WithoutJnaTest}: a Larder with a large region, on a class path without JNA. */
public final class WithoutJnaMain {
    private WithoutJnaMain() {
    }

    public static void main(final String[] args) {
        try {
            Class.forName("com.sun.jna.Native");
            System.out.println("jna=present");
        } catch (final ClassNotFoundException e) {
            System.out.println("jna=absent");
        }
        try (Larder larder = Larder.builder().maxMemory(64L << 20).build()) {
            final Cache<String, String> cache = larder.cache("c", Codecs.utf8(), Codecs.utf8());
            for (int i = 0; i < 20_000; i++) {
                cache.put("k" + i, "v" + i);
            }
            for (int i = 0; i < 20_000; i++) {
                if (!("v" + i).equals(cache.get("k" + i))) {
                    System.out.println("wrong value for k" + i);
                    System.exit(2);
                }
            }
            System.out.println("advised=" + larder.hugePagesAdvised());
            System.out.println("entries=" + cache.size());
        }
        System.out.println("ok");
    }
}
