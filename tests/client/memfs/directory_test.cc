// Directory: cookies that let a listing resume while entries come and go.
#include "client/memfs/directory.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace rpuffs::memfs {
namespace {

std::vector<std::string> List(const Directory& dir, uint64_t after, size_t max,
                              uint64_t* last = nullptr) {
  std::vector<std::string> names;
  dir.ListAfter(after, max, [&](const std::string& name, const Directory::Child& c) {
    names.push_back(name);
    if (last) *last = c.cookie;
  });
  return names;
}

TEST(DirectoryTest, CookiesStartAfterDotAndDotDot) {
  Directory dir;
  dir.Add("x", 10, S_IFREG);
  ASSERT_NE(dir.Find("x"), nullptr);
  EXPECT_GT(dir.Find("x")->cookie, Directory::kDotDotCookie);
  EXPECT_EQ(dir.Find("x")->ino, 10u);
}

TEST(DirectoryTest, ResumedListingSurvivesAddsAndRemoves) {
  Directory dir;
  for (int i = 0; i < 10; ++i) dir.Add("f" + std::to_string(i), 100 + i, S_IFREG);
  uint64_t cookie = 0;
  std::vector<std::string> seen = List(dir, 0, 4, &cookie);
  ASSERT_EQ(seen.size(), 4u);
  dir.Remove("f1");  // already listed
  dir.Remove("f6");  // not listed yet: must not appear
  dir.Add("new", 200, S_IFREG);
  dir.Replace("f7", 300, S_IFDIR);  // keeps its place
  for (int round = 0; round < 10; ++round) {
    uint64_t next = cookie;
    std::vector<std::string> more = List(dir, cookie, 3, &next);
    if (more.empty()) break;
    seen.insert(seen.end(), more.begin(), more.end());
    cookie = next;
  }
  const std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "an entry was listed twice";
  for (int i = 0; i < 10; ++i) {
    if (i == 6) continue;
    EXPECT_EQ(unique.count("f" + std::to_string(i)), 1u) << i;
  }
  EXPECT_EQ(unique.count("f6"), 0u);
  EXPECT_EQ(dir.Find("f7")->type, static_cast<uint32_t>(S_IFDIR));
}

}  // namespace
}  // namespace rpuffs::memfs
