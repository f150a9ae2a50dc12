package dev.larder.core;

import java.util.Locale;
import java.util.function.Predicate;

/** Helpers for asserting that an exception message states the numbers involved. */
final class Messages {
    private Messages() {
    }

    /** Accepts {@code n} written plainly ({@code 1048576}) or grouped ({@code 1,048,576} / {@code 1_048_576}). */
    static boolean mentionsNumber(final String message, final long n) {
        if (message == null) {
            return false;
        }
        return message.contains(Long.toString(n))
            || message.contains(String.format(Locale.ROOT, "%,d", n))
            || message.contains(String.format(Locale.ROOT, "%,d", n).replace(',', '_'))
            || message.contains(String.format(Locale.ROOT, "%,d", n).replace(',', ' '))
            || message.contains(String.format(Locale.ROOT, "%,d", n).replace(',', '.'));
    }

    static Predicate<String> number(final long n) {
        return m -> mentionsNumber(m, n);
    }

    static Predicate<String> anyNumber(final long... ns) {
        return m -> {
            for (final long n : ns) {
                if (mentionsNumber(m, n)) {
                    return true;
                }
            }
            return false;
        };
    }
}
