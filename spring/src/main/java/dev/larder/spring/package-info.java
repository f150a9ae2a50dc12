/** Spring cache abstraction support: a {@code CacheManager} backed by Larder. */
package dev.larder.spring;
