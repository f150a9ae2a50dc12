/** Micrometer metrics for Larder caches. */
package dev.larder.micrometer;
