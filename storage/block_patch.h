// storage/block_patch.h — the merge operator of the "data" column family: a
// partial write of a block is stored as a patch (RocksDB Merge) instead of a
// read-modify-write of the whole block, so a 4 KiB write into a 64 KiB block
// neither reads the old block nor writes 64 KiB into the WAL.
//
// A patch is a list of extents, each (offset LE32, length LE32, bytes),
// applied in order. Applying a patch to a block (or to no block) overwrites
// [offset, offset+length) and zero-fills any gap past the block's old end;
// it never shortens a block (truncation writes a whole new block). Patches
// combine (partial merge) into one patch of non-overlapping extents, so
// RocksDB keeps one operand per block between compactions, never larger than
// the block plus its extent headers.
//
// The operator is stateless and thread-safe. Its name is persisted in the
// volume's OPTIONS file; volumes with patches cannot be read by builds
// without it.
#pragma once

#include <rocksdb/merge_operator.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace rpuffs::storage {

// The header of one extent of `length` bytes at `offset`; the bytes follow it.
std::string PatchHeader(uint32_t offset, uint32_t length);
// Appends one extent: `bytes` at `offset` within the block.
void AppendPatch(std::string* patch, uint32_t offset, std::string_view bytes);

// Applies every extent of `patch` to `block`; false if `patch` is malformed
// or would grow the block past `max_size` bytes (then `block` is unspecified).
bool ApplyPatch(std::string_view patch, std::string* block, uint64_t max_size);

// The same change as `patch` with overlapping extents resolved: the bytes
// each extent leaves visible, as one extent per contiguous run, in offset
// order. False if `patch` is malformed.
bool Coalesce(std::string_view patch, std::string* out);

std::shared_ptr<rocksdb::MergeOperator> NewBlockPatchOperator();

}  // namespace rpuffs::storage
