package dev.larder.jmh;

/**
 * Zipfian ranks in {@code [0, n)}, rank 0 the most popular, after Gray et al., "Quickly
 * Generating Billion-Record Synthetic Databases" (SIGMOD 1994) — the generator YCSB uses, with
 * YCSB's default exponent 0.99.
 *
 * <p>Not thread-safe by design: it holds no state except its constants; callers bring the
 * uniform random numbers.
 */
public final class Zipf {
    /** YCSB's default Zipfian constant. */
    public static final double YCSB_THETA = 0.99;

    private final int n;
    private final double theta;
    private final double alpha;
    private final double zetan;
    private final double eta;
    private final double twoThreshold;

    /**
     * @param n     number of items, at least 2
     * @param theta exponent in (0, 1)
     */
    public Zipf(final int n, final double theta) {
        if (n < 2) {
            throw new IllegalArgumentException("n must be at least 2, was " + n);
        }
        if (!(theta > 0 && theta < 1)) {
            throw new IllegalArgumentException("theta must be in (0, 1), was " + theta);
        }
        this.n = n;
        this.theta = theta;
        this.alpha = 1.0 / (1.0 - theta);
        this.zetan = zeta(n, theta);
        final double zeta2 = zeta(2, theta);
        this.eta = (1 - Math.pow(2.0 / n, 1 - theta)) / (1 - zeta2 / zetan);
        this.twoThreshold = 1 + Math.pow(0.5, theta);
    }

    /** @return sum over i in [1, n] of 1 / i^theta */
    static double zeta(final long n, final double theta) {
        double sum = 0;
        for (long i = 1; i <= n; i++) {
            sum += 1.0 / Math.pow(i, theta);
        }
        return sum;
    }

    /**
     * @param u a uniform random number in [0, 1)
     * @return a rank in [0, n)
     */
    public int rank(final double u) {
        final double uz = u * zetan;
        if (uz < 1.0) {
            return 0;
        }
        if (uz < twoThreshold) {
            return 1;
        }
        final long r = (long) (n * Math.pow(eta * u - eta + 1, alpha));
        return (int) Math.min(n - 1, Math.max(0, r));
    }

    /**
     * @param rank a rank in [0, n)
     * @return the exact probability of that rank under the Zipf law this generator approximates
     */
    public double probability(final int rank) {
        return 1.0 / Math.pow(rank + 1, theta) / zetan;
    }

    /** @return number of items */
    public int n() {
        return n;
    }
}
