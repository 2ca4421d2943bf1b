#include "client/memfs/file_data.h"

#include <algorithm>

namespace rpuffs::memfs {
namespace {

uint64_t Rounded(uint64_t len) {
  return (len + FileData::kBlockSize - 1) / FileData::kBlockSize * FileData::kBlockSize;
}

// Calls fn(chunk_index, offset_in_chunk, length, offset_in_range) for each
// chunk piece of a range.
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

// Collects pieces and issues io(arena_offset, buffer, length) once per run
// of pieces that follow one another both in the arena and in the buffer.
template <typename Ptr, typename Io>
class Runs {
 public:
  explicit Runs(Io io) : io_(io) {}
  int Add(uint64_t at, Ptr buf, size_t n) {
    if (n_ > 0 && at == at_ + n_ && buf == buf_ + n_) {
      n_ += n;
      return 0;
    }
    int err = Flush();
    at_ = at;
    buf_ = buf;
    n_ = n;
    return err;
  }
  int Flush() {
    const size_t n = n_;
    n_ = 0;
    return n == 0 ? 0 : io_(at_, buf_, n);
  }

 private:
  Io io_;
  uint64_t at_ = 0;
  Ptr buf_ = nullptr;
  size_t n_ = 0;
};

template <typename Ptr, typename Io>
Runs<Ptr, Io> MakeRuns(Io io) {
  return Runs<Ptr, Io>(io);
}

}  // namespace

FileData::~FileData() {
  for (auto& [idx, chunk] : chunks_) arena_->Free(chunk.slot, chunk.len);
}

void FileData::SetLen(Chunk& chunk, uint64_t len) {
  allocated_ -= Rounded(chunk.len);
  chunk.len = len;
  allocated_ += Rounded(len);
}

void FileData::Shrink(Chunk& chunk, uint64_t len) {
  // Zero() falls back to writing zeros; if even that fails the bytes stay,
  // but past the length, where nothing reads them before they are rewritten.
  arena_->Zero(ChunkArena::Offset(chunk.slot) + len, chunk.len - len);
  SetLen(chunk, len);
}

int FileData::ChunkAt(uint64_t idx, ChunkMap::iterator* hint) {
  if (*hint != chunks_.end() && (*hint)->first == idx) return 0;
  uint64_t slot = 0;
  if (int err = arena_->Alloc(&slot)) return err;
  *hint = chunks_.emplace_hint(*hint, idx, Chunk{slot, 0});
  return 0;
}

int FileData::AppendTo(uint64_t offset, size_t size, std::string* out) const {
  const size_t base = out->size();
  out->resize(base + size);  // holes stay the zeros resize() wrote
  char* dst = out->data() + base;
  auto runs = MakeRuns<char*>([this](uint64_t at, char* buf, size_t n) { return arena_->Read(at, buf, n); });
  int err = 0;
  auto it = chunks_.lower_bound(offset / kChunkSize);
  ForEachPiece(offset, size, [&](uint64_t idx, uint64_t in, uint64_t n, uint64_t done) {
    while (it != chunks_.end() && it->first < idx) ++it;
    if (err || it == chunks_.end() || it->first != idx || it->second.len <= in) return;
    const uint64_t have = std::min<uint64_t>(it->second.len - in, n);
    err = runs.Add(ChunkArena::Offset(it->second.slot) + in, dst + done, have);
  });
  if (int last = runs.Flush(); err == 0) err = last;
  return err;
}

int FileData::Write(uint64_t offset, const char* data, size_t size) {
  auto runs =
      MakeRuns<const char*>([this](uint64_t at, const char* buf, size_t n) { return arena_->Write(at, buf, n); });
  int err = 0;
  auto hint = chunks_.lower_bound(offset / kChunkSize);
  ForEachPiece(offset, size, [&](uint64_t idx, uint64_t in, uint64_t n, uint64_t done) {
    if (err || (err = ChunkAt(idx, &hint)) != 0) return;
    Chunk& chunk = hint->second;
    // Bytes between the chunk's length and `in` are zeros already.
    err = runs.Add(ChunkArena::Offset(chunk.slot) + in, data + done, n);
    if (chunk.len < in + n) SetLen(chunk, in + n);
    ++hint;
  });
  if (int last = runs.Flush(); err == 0) err = last;
  return err;
}

void FileData::Truncate(uint64_t new_size) {
  auto first_gone = chunks_.lower_bound((new_size + kChunkSize - 1) / kChunkSize);
  for (auto it = first_gone; it != chunks_.end(); ++it) {
    allocated_ -= Rounded(it->second.len);
    arena_->Free(it->second.slot, it->second.len);
  }
  chunks_.erase(first_gone, chunks_.end());
  const uint64_t in = new_size % kChunkSize;
  if (in == 0) return;
  auto last = chunks_.find(new_size / kChunkSize);
  if (last != chunks_.end() && last->second.len > in) Shrink(last->second, in);
}

int FileData::Allocate(uint64_t offset, uint64_t length) {
  int err = 0;
  auto hint = chunks_.lower_bound(offset / kChunkSize);
  ForEachPiece(offset, length, [&](uint64_t idx, uint64_t in, uint64_t n, uint64_t) {
    if (err || (err = ChunkAt(idx, &hint)) != 0) return;
    Chunk& chunk = hint->second;
    if (chunk.len < in + n) {
      err = arena_->Reserve(ChunkArena::Offset(chunk.slot) + chunk.len, in + n - chunk.len);
      if (err == 0) SetLen(chunk, in + n);
    }
    ++hint;
  });
  return err;
}

void FileData::PunchHole(uint64_t offset, uint64_t length) {
  ForEachPiece(offset, length, [&](uint64_t idx, uint64_t in, uint64_t n, uint64_t) {
    auto it = chunks_.find(idx);
    if (it == chunks_.end()) return;
    Chunk& chunk = it->second;
    if (in + n >= chunk.len) {
      // The hole reaches the chunk's end: shorten it (nothing past it is stored).
      if (in < chunk.len) Shrink(chunk, in);
    } else {
      arena_->Zero(ChunkArena::Offset(chunk.slot) + in, n);
    }
    if (chunk.len == 0) {
      arena_->Free(chunk.slot, 0);
      chunks_.erase(it);
    }
  });
}

uint64_t FileData::GrowthFor(uint64_t offset, uint64_t length) const {
  uint64_t growth = 0;
  ForEachPiece(offset, length, [&](uint64_t idx, uint64_t in, uint64_t n, uint64_t) {
    auto it = chunks_.find(idx);
    const uint64_t have = it == chunks_.end() ? 0 : it->second.len;
    if (have < in + n) growth += Rounded(in + n) - Rounded(have);
  });
  return growth;
}

}  // namespace rpuffs::memfs
