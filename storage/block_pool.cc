#include "storage/block_pool.h"

#include <cstdlib>
#include <mutex>
#include <new>
#include <vector>

namespace rpuffs::storage {
namespace {

// Each allocation starts with a header saying whether it is a pooled block
// (Deallocate is given only the pointer). 16 bytes keep malloc's alignment.
constexpr size_t kHeader = 16;
constexpr char kPooled = 1;
constexpr char kPlain = 0;

class BlockPool : public rocksdb::MemoryAllocator {
 public:
  BlockPool(size_t block_bytes, size_t max_pooled) : block_bytes_(block_bytes), max_pooled_(max_pooled) {
    free_.reserve(max_pooled);
  }
  ~BlockPool() override {
    for (char* p : free_) std::free(p);
  }

  const char* Name() const override { return "RpuffsBlockPool"; }

  void* Allocate(size_t size) override {
    char* p = nullptr;
    if (size == block_bytes_) {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        p = free_.back();
        free_.pop_back();
      }
    }
    if (p == nullptr) {
      p = static_cast<char*>(std::malloc(kHeader + size));
      if (p == nullptr) throw std::bad_alloc();
      p[0] = size == block_bytes_ ? kPooled : kPlain;
    }
    return p + kHeader;
  }

  void Deallocate(void* block) override {
    char* p = static_cast<char*>(block) - kHeader;
    if (p[0] == kPooled) {
      std::lock_guard<std::mutex> lock(mu_);
      if (free_.size() < max_pooled_) {
        free_.push_back(p);
        return;
      }
    }
    std::free(p);
  }

 private:
  const size_t block_bytes_;
  const size_t max_pooled_;
  std::mutex mu_;
  std::vector<char*> free_;  // guarded by mu_
};

}  // namespace

std::shared_ptr<rocksdb::MemoryAllocator> NewBlockPool(size_t block_bytes, size_t max_pooled) {
  return std::make_shared<BlockPool>(block_bytes, max_pooled);
}

}  // namespace rpuffs::storage
