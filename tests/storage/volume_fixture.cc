#include "tests/storage/volume_fixture.h"

#include <fcntl.h>

namespace rpuffs::storage::testing {

void VolumeTest::SetUp() {
  dir = std::make_unique<rpuffs::testing::TempDir>("rpuffs-storage");
  if (GetParam() == Backend::kMem) {
    mem_env.reset(rocksdb::NewMemEnv(rocksdb::Env::Default()));
    store_options.rocksdb_env = mem_env.get();
  }
  OpenStore();
}

void VolumeTest::TearDown() {
  if (v != nullptr) {
    auto findings = FsckNow();
    for (const auto& f : findings) ADD_FAILURE() << "fsck: " << f.kind << ": " << f.detail;
  }
  Close();
  mem_env.reset();
  dir.reset();
}

void VolumeTest::OpenStore() {
  auto s = Store::Open(dir->Sub("data"), store_options);
  ASSERT_TRUE(s.ok()) << s.err() << " " << s.status().message();
  store = std::move(s).value();
  v = store->Find("default");
  ASSERT_NE(v, nullptr);
}

void VolumeTest::Close() {
  v = nullptr;
  store.reset();
}

void VolumeTest::Reopen() {
  Close();
  OpenStore();
}

std::vector<FsckFinding> VolumeTest::FsckNow() {
  auto r = Fsck(v);
  EXPECT_TRUE(r.ok()) << r.err();
  return r.ok() ? r.value() : std::vector<FsckFinding>{};
}

Ino VolumeTest::MkdirOk(Ino parent, const std::string& name, uint32_t mode, const Caller& owner) {
  auto r = v->Mkdir(Op(), root, parent, name, mode);
  EXPECT_TRUE(r.ok()) << "mkdir " << name << ": " << r.err();
  if (!r.ok()) return 0;
  GiveTo(r->ino, owner);
  return r->ino;
}

void VolumeTest::GiveTo(Ino ino, const Caller& owner) {
  if (owner.is_root()) return;
  SetAttrIn in;
  in.valid = SetAttrIn::kUid | SetAttrIn::kGid;
  in.uid = owner.uid;
  in.gid = owner.gid;
  EXPECT_TRUE(v->SetAttr(Op(), root, ino, in).ok());
}

Ino VolumeTest::FileOk(Ino parent, const std::string& name, const std::string& data, uint32_t mode,
                       const Caller& owner) {
  const Caller& c = root;
  auto r = v->Create(Op(), c, parent, name, mode, O_RDWR | O_CREAT);
  EXPECT_TRUE(r.ok()) << "create " << name << ": " << r.err();
  if (!r.ok()) return 0;
  if (!data.empty()) {
    auto w = v->Write(Op(), c, r->attr.ino, 0, data, false);
    EXPECT_TRUE(w.ok()) << w.err();
  }
  EXPECT_TRUE(v->Release(kSession, r->fh, false).ok());
  GiveTo(r->attr.ino, owner);
  return r->attr.ino;
}

Attr VolumeTest::AttrOk(Ino ino) {
  auto r = v->GetAttr(ino);
  EXPECT_TRUE(r.ok()) << r.err();
  return r.ok() ? r.value() : Attr{};
}

std::string VolumeTest::ReadAll(Ino ino) {
  std::string out;
  uint64_t size = AttrOk(ino).size;
  while (out.size() < size) {
    auto r = v->Read(ino, out.size(), kMaxIo);
    EXPECT_TRUE(r.ok()) << r.err();
    if (!r.ok() || r->empty()) break;
    out += r.value();
  }
  return out;
}

uint64_t VolumeTest::OpenOk(Ino ino, uint32_t flags, const Caller& c) {
  auto r = v->Open(Op(), c, ino, flags);
  EXPECT_TRUE(r.ok()) << r.err();
  return r.ok() ? r->fh : 0;
}

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kDisk ? "Disk" : "MemEnv";
}

SetAttrIn SetMode(uint32_t mode) {
  SetAttrIn in;
  in.valid = SetAttrIn::kMode;
  in.mode = mode;
  return in;
}

SetAttrIn SetUid(uint32_t uid) {
  SetAttrIn in;
  in.valid = SetAttrIn::kUid;
  in.uid = uid;
  return in;
}

SetAttrIn SetGid(uint32_t gid) {
  SetAttrIn in;
  in.valid = SetAttrIn::kGid;
  in.gid = gid;
  return in;
}

SetAttrIn SetSize(uint64_t size) {
  SetAttrIn in;
  in.valid = SetAttrIn::kSize;
  in.size = size;
  return in;
}

}  // namespace rpuffs::storage::testing

namespace rpuffs::storage {
bool operator==(const Timespec& a, const Timespec& b) { return a.sec == b.sec && a.nsec == b.nsec; }
bool operator<(const Timespec& a, const Timespec& b) { return a.sec < b.sec || (a.sec == b.sec && a.nsec < b.nsec); }
}  // namespace rpuffs::storage
