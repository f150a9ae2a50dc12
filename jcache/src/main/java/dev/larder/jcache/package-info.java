/** A JSR-107 (JCache) caching provider backed by Larder caches. */
package dev.larder.jcache;
