/**
 * Caching strategies on top of a {@link dev.larder.core.Cache}: cache-aside and read-through
 * loading with single flight ({@link dev.larder.strategies.LoadingCache}, on the reusable per-key
 * {@link dev.larder.strategies.SingleFlight}), write-through
 * ({@link dev.larder.strategies.WriteThroughCache}) and write-behind
 * ({@link dev.larder.strategies.WriteBehindCache}), with the JSR-107-shaped
 * {@link dev.larder.strategies.CacheLoader} and {@link dev.larder.strategies.CacheWriter}.
 */
package dev.larder.strategies;
