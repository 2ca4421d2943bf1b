// tests/client/remote — small helpers shared by the RemoteVolume tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "client/remote/remote_volume.h"
#include "client/remote/sync_call.h"
#include "tests/support/rpuffsd_process.h"

namespace rpuffs::remote {

inline std::unique_ptr<RemoteVolume> ConnectOrFail(const std::string& address,
                                                   std::chrono::milliseconds grace =
                                                       std::chrono::seconds(60)) {
  RemoteOptions o;
  o.target = address;
  o.grace = grace;
  RemoteVolume::ConnectError e;
  auto v = RemoteVolume::Connect(o, &e);
  EXPECT_TRUE(v) << e.message;
  return v;
}

// Creates `name` in the root, returns its local handle (0 on failure).
inline uint64_t CreateFile(RemoteVolume& v, const std::string& name, uint64_t* ino = nullptr) {
  v1::CreateRequest req;
  req.set_parent(v.root_ino());
  req.set_name(name);
  req.set_mode(0644);
  req.set_flags(O_RDWR | O_CREAT);
  v1::CreateReply rep;
  int err = CallSync(v, kCreate, req, &rep);
  EXPECT_EQ(err, 0);
  if (ino) *ino = rep.attr().ino();
  return err == 0 ? rep.fh() : 0;
}

inline int WriteAt(RemoteVolume& v, uint64_t ino, uint64_t fh, uint64_t off, const std::string& d) {
  v1::WriteRequest req;
  req.set_ino(ino);
  req.set_fh(fh);
  req.set_offset(off);
  req.set_data(d);
  v1::WriteReply rep;
  int err = CallSync(v, kWrite, req, &rep);
  if (err == 0 && rep.count() != d.size()) return EIO;
  return err;
}

inline int ReadAt(RemoteVolume& v, uint64_t ino, uint64_t fh, uint64_t off, uint32_t size,
                  std::string* out) {
  v1::ReadRequest req;
  req.set_ino(ino);
  req.set_fh(fh);
  req.set_offset(off);
  req.set_size(size);
  v1::ReadReply rep;
  int err = CallSync(v, kRead, req, &rep);
  *out = rep.data();
  return err;
}

inline std::string Pattern(size_t n, char seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + i % 251);
  return s;
}

// A fresh rpuffsd and a RemoteVolume connected to it for each test.
class RemoteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<rpuffs::testing::RpuffsdProcess>();
    volume_ = ConnectOrFail(server_->address());
    ASSERT_TRUE(volume_);
  }
  // Creates `name` in the root and asserts it worked.
  void NewFile(const std::string& name) {
    fh_ = CreateFile(*volume_, name, &ino_);
    ASSERT_NE(fh_, 0u);
  }

  std::unique_ptr<rpuffs::testing::RpuffsdProcess> server_;
  std::unique_ptr<RemoteVolume> volume_;
  uint64_t ino_ = 0;
  uint64_t fh_ = 0;
};

}  // namespace rpuffs::remote
