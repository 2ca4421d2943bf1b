// tests/client/memfs — drives MemFs through its puffs::Ops table, no FUSE.
//
// FakeRequest plays the kernel's caller (uid, gid, umask, supplementary
// groups); MemFsTest owns a MemFs with a small capacity and offers helpers
// that run one op and report failures through gtest.
#pragma once

#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "client/memfs/memfs.h"
#include "client/puffs/ops.h"
#include "client/puffs/request.h"

namespace rpuffs::memfs::testing {

using puffs::Ino;
using puffs::kRootIno;

class FakeRequest : public puffs::Request {
 public:
  FakeRequest(uid_t uid, gid_t gid, std::vector<gid_t> groups = {}, mode_t umask = 0)
      : groups_(std::move(groups)) {
    caller_.uid = uid;
    caller_.gid = gid;
    caller_.umask = umask;
  }
  const std::vector<gid_t>& groups() override { return groups_; }
  bool interrupted() const override { return false; }
  void OnInterrupt(std::function<void()> fn) override {}

 private:
  std::vector<gid_t> groups_;
};

inline MemFsOptions TestOptions() {
  MemFsOptions options;
  options.capacity_bytes = 64 << 20;
  options.max_inodes = 1000;
  options.root_mode = 0777;
  options.root_uid = 0;
  options.root_gid = 0;
  return options;
}

class MemFsTest : public ::testing::Test {
 protected:
  explicit MemFsTest(MemFsOptions options = TestOptions()) { Reset(options); }

  // Starts over with an empty filesystem.
  void Reset(MemFsOptions options = TestOptions()) {
    ops_ = puffs::Ops();
    fs_ = std::make_unique<MemFs>(options);
    ops_ = fs_->MakeOps();
  }

  // Each returns the new inode (0 after reporting a failure).
  Ino Mkdir(Ino parent, const std::string& name, mode_t mode = 0755) {
    return Mkdir(root_, parent, name, mode);
  }
  Ino Mkdir(FakeRequest& req, Ino parent, const std::string& name, mode_t mode = 0755) {
    puffs::Entry e;
    int err = ops_.mkdir(req, parent, name, mode, &e);
    EXPECT_EQ(err, 0) << "mkdir " << name;
    return err ? 0 : e.ino;
  }
  // Creates and closes a regular file.
  Ino MakeFile(Ino parent, const std::string& name, mode_t mode = 0644) {
    return MakeFile(root_, parent, name, mode);
  }
  Ino MakeFile(FakeRequest& req, Ino parent, const std::string& name, mode_t mode = 0644) {
    puffs::Entry e;
    puffs::OpenFile fi;
    fi.flags = O_CREAT | O_RDWR;
    int err = ops_.create(req, parent, name, mode, &fi, &e);
    EXPECT_EQ(err, 0) << "create " << name;
    if (err) return 0;
    EXPECT_EQ(ops_.release(req, e.ino, fi), 0);
    return e.ino;
  }
  // Opens ino; returns the handle (check fi.fh).
  puffs::OpenFile Open(Ino ino, int flags, FakeRequest* req = nullptr) {
    puffs::OpenFile fi;
    fi.flags = flags;
    EXPECT_EQ(ops_.open(req ? *req : root_, ino, &fi), 0);
    return fi;
  }
  void Close(Ino ino, puffs::OpenFile& fi) { EXPECT_EQ(ops_.release(root_, ino, fi), 0); }
  int WriteAt(Ino ino, const std::string& data, off_t offset, FakeRequest* req = nullptr) {
    FakeRequest& r = req ? *req : root_;
    puffs::OpenFile fi;
    fi.flags = O_WRONLY;
    if (int err = ops_.open(r, ino, &fi)) return err;
    size_t written = 0;
    int err = ops_.write(r, ino, data.data(), data.size(), offset, fi, &written);
    EXPECT_EQ(ops_.release(r, ino, fi), 0);
    if (!err) {
      EXPECT_EQ(written, data.size());
    }
    return err;
  }
  std::string ReadAt(Ino ino, size_t size, off_t offset) {
    puffs::OpenFile fi = Open(ino, O_RDONLY);
    std::string out;
    EXPECT_EQ(ops_.read(root_, ino, size, offset, fi, &out), 0);
    Close(ino, fi);
    return out;
  }
  struct stat Stat(Ino ino) {
    puffs::AttrOut out;
    EXPECT_EQ(ops_.getattr(root_, ino, &out), 0) << "getattr " << ino;
    return out.attr;
  }
  // 0 if name is absent, else its inode.
  Ino LookupIno(Ino parent, const std::string& name) {
    puffs::Entry e;
    return ops_.lookup(root_, parent, name, &e) == 0 ? e.ino : 0;
  }
  int SetAttr(FakeRequest& req, Ino ino, int valid, const struct stat& attr) {
    puffs::SetAttrIn in;
    in.valid = valid;
    in.attr = attr;
    puffs::AttrOut out;
    return ops_.setattr(req, ino, in, &out);
  }
  int Truncate(Ino ino, off_t size) {
    struct stat attr {};
    attr.st_size = size;
    return SetAttr(root_, ino, FUSE_SET_ATTR_SIZE, attr);
  }

  FakeRequest root_{0, 0};
  std::unique_ptr<MemFs> fs_;
  puffs::Ops ops_;
};

}  // namespace rpuffs::memfs::testing
