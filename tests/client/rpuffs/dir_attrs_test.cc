// DirAttrs: which replies are kept, and what forgets them.
#include "client/rpuffs/dir_attrs.h"

#include <gtest/gtest.h>

namespace rpuffs::client {
namespace {

v1::Attr DirAt(uint64_t ino, int64_t ctime_sec, uint32_t nlink) {
  v1::Attr a;
  a.set_ino(ino);
  a.mutable_ctime()->set_sec(ctime_sec);
  a.set_nlink(nlink);
  return a;
}

TEST(DirAttrsTest, KeepsAReplyAndFindsIt) {
  DirAttrs d;
  d.Store(DirAt(7, 100, 2), d.Epoch());
  ASSERT_NE(d.Find(7), nullptr);
  EXPECT_EQ(d.Find(7)->nlink(), 2u);
  EXPECT_EQ(d.Find(8), nullptr);
}

TEST(DirAttrsTest, AReplySentBeforeADropIsNotKept) {
  DirAttrs d;
  uint64_t sent = d.Epoch();
  d.Drop(9);  // any directory: an unlink elsewhere finished meanwhile
  d.Store(DirAt(7, 100, 2), sent);
  EXPECT_EQ(d.Find(7), nullptr);
}

TEST(DirAttrsTest, AnOlderReplyNeverReplacesANewerOne) {
  DirAttrs d;
  uint64_t sent = d.Epoch();
  d.Store(DirAt(7, 200, 3), sent);
  d.Store(DirAt(7, 100, 2), sent);  // the earlier create's reply came second
  ASSERT_NE(d.Find(7), nullptr);
  EXPECT_EQ(d.Find(7)->nlink(), 3u);
  d.Store(DirAt(7, 300, 4), sent);
  EXPECT_EQ(d.Find(7)->nlink(), 4u);
}

TEST(DirAttrsTest, DropAndClearForget) {
  DirAttrs d;
  d.Store(DirAt(7, 100, 2), d.Epoch());
  d.Store(DirAt(8, 100, 2), d.Epoch());
  d.Drop(7);
  EXPECT_EQ(d.Find(7), nullptr);
  EXPECT_NE(d.Find(8), nullptr);
  d.Clear();
  EXPECT_EQ(d.Find(8), nullptr);
}

}  // namespace
}  // namespace rpuffs::client
