// Attr.xattrs through a real rpuffsd: create, getattr, lookup, setattr and
// readdirplus replies say whether the inode has extended attributes.
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "tests/server/protocol_fixture.h"

namespace rpuffs::testing {
namespace {

using Stub = v1::Volume::Stub;

class XattrPresenceTest : public ProtocolTest {
 protected:
  int SetX(uint64_t ino, const std::string& name) {
    v1::SetXattrRequest req;
    req.set_ino(ino);
    req.set_name(name);
    req.set_value("v");
    return client().Must(&Stub::SetXattr, req, "setxattr").err();
  }
  int RemoveX(uint64_t ino, const std::string& name) {
    v1::RemoveXattrRequest req;
    req.set_ino(ino);
    req.set_name(name);
    return client().Must(&Stub::RemoveXattr, req, "removexattr").err();
  }
  // Readdirplus of this test's directory: each name's presence.
  std::map<std::string, v1::XattrPresence> Listed() {
    std::map<std::string, v1::XattrPresence> out;
    v1::ReaddirReply r = client().Readdir(dir(), 0, 100, true);
    EXPECT_EQ(r.err(), 0);
    for (const v1::DirEntry& e : r.entries()) out[e.name()] = e.attr().xattrs();
    return out;
  }
};

TEST_F(XattrPresenceTest, RepliesSayNoneUntilAnXattrIsSetAndAfterTheLastIsRemoved) {
  v1::CreateReply f = client().Create(dir(), "f");
  ASSERT_EQ(f.err(), 0);
  EXPECT_EQ(f.attr().xattrs(), v1::XATTRS_NONE);
  v1::EntryReply d = client().Mkdir(dir(), "d");
  ASSERT_EQ(d.err(), 0);
  EXPECT_EQ(d.attr().xattrs(), v1::XATTRS_NONE);
  const uint64_t ino = f.attr().ino();
  EXPECT_EQ(client().GetAttr(ino).attr().xattrs(), v1::XATTRS_NONE);

  ASSERT_EQ(SetX(ino, "system.posix_acl_access"), 0);
  ASSERT_EQ(SetX(ino, "user.a"), 0);
  EXPECT_EQ(client().GetAttr(ino).attr().xattrs(), v1::XATTRS_SOME);
  EXPECT_EQ(client().Lookup(dir(), "f").attr().xattrs(), v1::XATTRS_SOME);
  v1::SetAttrRequest chmod;
  chmod.set_ino(ino);
  chmod.set_valid(v1::SET_MODE);
  chmod.set_mode(0600);
  v1::AttrReply set = client().Must(&Stub::SetAttr, chmod, "setattr");
  ASSERT_EQ(set.err(), 0);
  EXPECT_EQ(set.attr().xattrs(), v1::XATTRS_SOME);
  auto listed = Listed();
  EXPECT_EQ(listed["f"], v1::XATTRS_SOME);
  EXPECT_EQ(listed["d"], v1::XATTRS_NONE);

  ASSERT_EQ(RemoveX(ino, "user.a"), 0);
  EXPECT_EQ(client().GetAttr(ino).attr().xattrs(), v1::XATTRS_SOME);
  ASSERT_EQ(RemoveX(ino, "system.posix_acl_access"), 0);
  EXPECT_EQ(client().GetAttr(ino).attr().xattrs(), v1::XATTRS_NONE);
  EXPECT_EQ(client().Lookup(dir(), "f").attr().xattrs(), v1::XATTRS_NONE);
  EXPECT_EQ(Listed()["f"], v1::XATTRS_NONE);
}

}  // namespace
}  // namespace rpuffs::testing
