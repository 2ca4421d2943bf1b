// storage/block_pool.h — the memory allocator of the blob cache (file
// blocks): blocks of one size (the volume block size) are kept on a free
// list when the cache lets go of them and handed out again, instead of going
// back to malloc.
//
// Why: every block flushed to a blob file is copied into the blob cache
// (prepopulate on flush) and every block read from a blob file lands there
// too; the cache, being full, frees an old block for each. Through malloc
// those 64 KiB chunks were trimmed and faulted in again: the largest source
// of page faults in rpuffsd on sequential writes (bench/server/data_path.md).
//
// Other sizes go to malloc. At most `max_pooled` free blocks are kept (the
// rest are freed); blocks in use are the cache's and are bounded by its
// capacity. Thread-safe (one mutex, held for a list push or pop); never blocks
// otherwise.
#pragma once

#include <rocksdb/memory_allocator.h>

#include <cstddef>
#include <memory>

namespace rpuffs::storage {

std::shared_ptr<rocksdb::MemoryAllocator> NewBlockPool(size_t block_bytes, size_t max_pooled);

}  // namespace rpuffs::storage
