package io.promstream.parse;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;

/**
 * Jackson's buffer pool for a parser used by one thread only (a queue worker's): it keeps the one
 * {@link BufferRecycler} that thread's parser returns, so a parser per element costs neither a thread-local
 * look-up nor a pool's synchronisation. Not thread-safe, by design.
 */
final class OwnedRecyclerPool implements RecyclerPool<BufferRecycler> {
    private static final long serialVersionUID = 1L;
    private transient BufferRecycler kept;

    @Override
    public BufferRecycler acquirePooled() {
        BufferRecycler recycler = kept;
        if (recycler == null) {
            return new BufferRecycler();
        }
        kept = null;
        return recycler;
    }

    @Override
    public void releasePooled(BufferRecycler recycler) {
        kept = recycler;
    }
}
