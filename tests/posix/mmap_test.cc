// Memory-mapped I/O: MAP_SHARED stores reach the file (read(2) and a fresh
// open see them), and a mapping sees data written with write(2).
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "tests/posix/posix_fixture.h"

namespace rpuffs::posix {
namespace {

using MmapTest = PosixTest;

constexpr size_t kMapSize = 3 * 4096 + 100;

class Mapping {
 public:
  Mapping(int fd, size_t len, int prot) : len_(len) {
    void* p = mmap(nullptr, len, prot, MAP_SHARED, fd, 0);
    addr_ = p == MAP_FAILED ? nullptr : static_cast<char*>(p);
  }
  ~Mapping() {
    if (addr_) munmap(addr_, len_);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  char* get() const { return addr_; }

 private:
  char* addr_ = nullptr;
  size_t len_;
};

TEST_F(MmapTest, SharedMappingStoresReachTheFile) {
  Fd fd = Open(Path("f"), O_RDWR | O_CREAT);
  ASSERT_TRUE(fd.ok());
  ASSERT_EQ(ftruncate(fd.get(), kMapSize), 0);
  const std::string data = Pattern(kMapSize, 21);
  {
    Mapping map(fd.get(), kMapSize, PROT_READ | PROT_WRITE);
    ASSERT_NE(map.get(), nullptr) << strerror(errno);
    memcpy(map.get(), data.data(), data.size());
    ASSERT_EQ(msync(map.get(), kMapSize, MS_SYNC), 0);
  }
  EXPECT_TRUE(PreadString(fd.get(), kMapSize + 10, 0) == data);
  ASSERT_EQ(fd.Close(), 0);
  EXPECT_TRUE(ReadFile(Path("f")) == data);
  EXPECT_EQ(StatOf(Path("f")).st_size, static_cast<off_t>(kMapSize));
}

TEST_F(MmapTest, MappingSeesWrittenData) {
  const std::string data = Pattern(kMapSize, 22);
  ASSERT_TRUE(WriteFile(Path("f"), data));
  Fd fd = Open(Path("f"), O_RDONLY);
  ASSERT_TRUE(fd.ok());
  Mapping map(fd.get(), kMapSize, PROT_READ);
  ASSERT_NE(map.get(), nullptr) << strerror(errno);
  EXPECT_EQ(memcmp(map.get(), data.data(), data.size()), 0);
}

TEST_F(MmapTest, WritableSharedMappingOfAReadOnlyDescriptorFailsWithEACCES) {
  ASSERT_TRUE(WriteFile(Path("f"), "data"));
  Fd fd = Open(Path("f"), O_RDONLY);
  ASSERT_TRUE(fd.ok());
  void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  EXPECT_EQ(p, MAP_FAILED);
  EXPECT_EQ(errno, EACCES);
  if (p != MAP_FAILED) munmap(p, 4096);
}

}  // namespace
}  // namespace rpuffs::posix
