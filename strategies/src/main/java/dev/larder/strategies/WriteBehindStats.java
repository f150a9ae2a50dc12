package dev.larder.strategies;

/**
 * Counters of a {@link WriteBehindCache} since it was built, and its queue depth now.
 *
 * @param queueDepth     queued operations not yet taken by the write-behind thread
 * @param pendingKeys    keys with a write not yet in the store of record (queued or in a batch being written)
 * @param enqueued       operations that entered the queue
 * @param coalesced      writes folded into a queued write of the same key (no queue entry of their own)
 * @param batches        batches handed to the writer (each may take several attempts)
 * @param written        values the writer applied
 * @param deleted        deletes the writer applied
 * @param retries        batch attempts after a failed one
 * @param failures       writer calls that threw
 * @param deadLettered   operations given up after the last retry and passed to the dead-letter handler
 * @param rejected       writes refused because the queue was full (policy {@code FAIL})
 * @param inlineWrites   writes done on the caller's thread because the queue was full (policy {@code WRITE_INLINE})
 */
public record WriteBehindStats(long queueDepth, long pendingKeys, long enqueued, long coalesced, long batches,
                               long written, long deleted, long retries, long failures, long deadLettered,
                               long rejected, long inlineWrites) {
}
