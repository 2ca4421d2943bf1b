#include "client/memfs/file_data.h"

#include <algorithm>
#include <cstring>

namespace rpuffs::memfs {
namespace {

uint64_t Rounded(uint64_t len) {
  return (len + FileData::kBlockSize - 1) / FileData::kBlockSize * FileData::kBlockSize;
}

// Calls fn(chunk_index, offset_in_chunk, length) for each chunk piece of a range.
template <typename Fn>
void ForEachPiece(uint64_t offset, uint64_t length, Fn fn) {
  uint64_t pos = offset;
  const uint64_t end = offset + length;
  while (pos < end) {
    const uint64_t in = pos % FileData::kChunkSize;
    const uint64_t n = std::min(FileData::kChunkSize - in, end - pos);
    fn(pos / FileData::kChunkSize, in, n, pos - offset);
    pos += n;
  }
}

}  // namespace

void FileData::ResizeChunk(Chunk& chunk, size_t len) {
  allocated_ -= Rounded(chunk.size());
  chunk.resize(len);
  allocated_ += Rounded(len);
}

void FileData::AppendTo(uint64_t offset, size_t size, std::string* out) const {
  out->reserve(out->size() + size);
  auto it = chunks_.lower_bound(offset / kChunkSize);
  ForEachPiece(offset, size, [&](uint64_t idx, uint64_t in, uint64_t n, uint64_t) {
    while (it != chunks_.end() && it->first < idx) ++it;
    size_t have = 0;
    if (it != chunks_.end() && it->first == idx && it->second.size() > in) {
      have = std::min<uint64_t>(it->second.size() - in, n);
      out->append(it->second.data() + in, have);
    }
    out->append(n - have, '\0');
  });
}

void FileData::Write(uint64_t offset, const char* data, size_t size) {
  auto hint = chunks_.lower_bound(offset / kChunkSize);
  ForEachPiece(offset, size, [&](uint64_t idx, uint64_t in, uint64_t n, uint64_t done) {
    if (hint == chunks_.end() || hint->first != idx) hint = chunks_.emplace_hint(hint, idx, Chunk());
    Chunk& chunk = hint->second;
    const char* src = data + done;
    if (chunk.size() < in) ResizeChunk(chunk, in);  // zero the gap before the piece
    // Overwrite what exists, append the rest (no zero-fill of bytes about to be written).
    const size_t overlap = std::min<uint64_t>(n, chunk.size() - in);
    std::memcpy(chunk.data() + in, src, overlap);
    if (overlap < n) {
      allocated_ -= Rounded(chunk.size());
      chunk.insert(chunk.end(), src + overlap, src + n);
      allocated_ += Rounded(chunk.size());
    }
    ++hint;
  });
}

void FileData::Truncate(uint64_t new_size) {
  auto first_gone = chunks_.lower_bound((new_size + kChunkSize - 1) / kChunkSize);
  for (auto it = first_gone; it != chunks_.end(); ++it) allocated_ -= Rounded(it->second.size());
  chunks_.erase(first_gone, chunks_.end());
  const uint64_t in = new_size % kChunkSize;
  if (in == 0) return;
  auto last = chunks_.find(new_size / kChunkSize);
  if (last != chunks_.end() && last->second.size() > in) ResizeChunk(last->second, in);
}

void FileData::Allocate(uint64_t offset, uint64_t length) {
  ForEachPiece(offset, length, [&](uint64_t idx, uint64_t in, uint64_t n, uint64_t) {
    Chunk& chunk = chunks_[idx];
    if (chunk.size() < in + n) ResizeChunk(chunk, in + n);
  });
}

void FileData::PunchHole(uint64_t offset, uint64_t length) {
  ForEachPiece(offset, length, [&](uint64_t idx, uint64_t in, uint64_t n, uint64_t) {
    auto it = chunks_.find(idx);
    if (it == chunks_.end()) return;
    Chunk& chunk = it->second;
    if (in + n >= chunk.size()) {
      // The hole reaches the chunk's end: shorten it (nothing past it is stored).
      if (in < chunk.size()) ResizeChunk(chunk, in);
    } else {
      std::memset(chunk.data() + in, 0, n);
    }
    if (chunk.empty()) chunks_.erase(it);
  });
}

uint64_t FileData::GrowthFor(uint64_t offset, uint64_t length) const {
  uint64_t growth = 0;
  ForEachPiece(offset, length, [&](uint64_t idx, uint64_t in, uint64_t n, uint64_t) {
    auto it = chunks_.find(idx);
    const uint64_t have = it == chunks_.end() ? 0 : it->second.size();
    if (have < in + n) growth += Rounded(in + n) - Rounded(have);
  });
  return growth;
}

}  // namespace rpuffs::memfs
