#include "storage/block_patch.h"

#include <cstring>
#include <deque>
#include <vector>

#include "storage/keys.h"

namespace rpuffs::storage {
namespace {

constexpr size_t kExtentHeader = 8;
// Patches never make a block larger than the largest configurable block size;
// anything larger is corruption.
constexpr uint64_t kMaxBlockBytes = uint64_t{1} << 30;

// Calls fn(offset, bytes) for each non-empty extent of `patch`, in order;
// false if the patch is malformed or an extent ends past `max_size`.
template <typename Fn>
bool ForEachExtent(std::string_view patch, uint64_t max_size, Fn&& fn) {
  size_t at = 0;
  while (at < patch.size()) {
    if (patch.size() - at < kExtentHeader) return false;
    uint64_t offset = GetLE32(patch.data() + at);
    uint64_t length = GetLE32(patch.data() + at + 4);
    at += kExtentHeader;
    if (patch.size() - at < length || offset + length > max_size) return false;
    if (length > 0) fn(offset, patch.substr(at, length));
    at += length;
  }
  return true;
}

class BlockPatchOperator final : public rocksdb::MergeOperator {
 public:
  const char* Name() const override { return "rpuffs.BlockPatch"; }

  bool FullMergeV2(const MergeOperationInput& in, MergeOperationOutput* out) const override {
    std::string& block = out->new_value;
    // RocksDB 7.8's iterator hands in its previous merge result here, not an
    // empty string as merge_operator.h says.
    block.clear();
    if (in.existing_value != nullptr) block.assign(in.existing_value->data(), in.existing_value->size());
    for (const rocksdb::Slice& op : in.operand_list) {
      if (!ApplyPatch(std::string_view(op.data(), op.size()), &block, kMaxBlockBytes)) return false;
    }
    return true;
  }

  bool PartialMergeMulti(const rocksdb::Slice&, const std::deque<rocksdb::Slice>& operands, std::string* out,
                         rocksdb::Logger*) const override {
    out->clear();
    std::string combined;
    for (const rocksdb::Slice& op : operands) combined.append(op.data(), op.size());
    return Coalesce(combined, out);
  }
};

}  // namespace

bool Coalesce(std::string_view patch, std::string* out) {
  // Apply every extent to a scratch block while marking the bytes it covers,
  // then emit each covered run once: the result never outgrows the block, no
  // matter how often the same bytes were written.
  std::string scratch;
  std::string covered;
  bool ok = ForEachExtent(patch, kMaxBlockBytes, [&](uint64_t offset, std::string_view bytes) {
    if (scratch.size() < offset + bytes.size()) {
      scratch.resize(offset + bytes.size(), '\0');
      covered.resize(offset + bytes.size(), 0);
    }
    std::memcpy(scratch.data() + offset, bytes.data(), bytes.size());
    std::memset(covered.data() + offset, 1, bytes.size());
  });
  if (!ok) return false;
  out->clear();
  for (size_t i = 0; i < covered.size();) {
    if (!covered[i]) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < covered.size() && covered[j]) ++j;
    AppendPatch(out, static_cast<uint32_t>(i), std::string_view(scratch.data() + i, j - i));
    i = j;
  }
  return true;
}

std::string PatchHeader(uint32_t offset, uint32_t length) {
  std::string header;
  PutLE32(&header, offset);
  PutLE32(&header, length);
  return header;
}

void AppendPatch(std::string* patch, uint32_t offset, std::string_view bytes) {
  patch->append(PatchHeader(offset, static_cast<uint32_t>(bytes.size())));
  patch->append(bytes.data(), bytes.size());
}

bool ApplyPatch(std::string_view patch, std::string* block, uint64_t max_size) {
  return ForEachExtent(patch, max_size, [&](uint64_t offset, std::string_view bytes) {
    if (block->size() < offset + bytes.size()) block->resize(offset + bytes.size(), '\0');
    std::memcpy(block->data() + offset, bytes.data(), bytes.size());
  });
}

std::shared_ptr<rocksdb::MergeOperator> NewBlockPatchOperator() { return std::make_shared<BlockPatchOperator>(); }

}  // namespace rpuffs::storage
