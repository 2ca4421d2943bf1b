// Attr::xattrs: every inode record knows whether it has xattrs (a count kept
// in the batch of each SetXattr/RemoveXattr); records of the older encoding
// still decode, say "unknown", and learn the count at their next xattr
// change; fsck checks the count where it is known.
#include <rocksdb/db.h>
#include <rocksdb/transaction_log.h>
#include <rocksdb/write_batch.h>
#include <sys/xattr.h>

#include <cerrno>
#include <map>
#include <string>

#include "storage/keys.h"
#include "storage/records.h"
#include "storage/volume_impl.h"
#include "storage/volume_internal.h"
#include "tests/storage/volume_fixture.h"

namespace rpuffs::storage::testing {
namespace {

using internal::Family;
using Presence = Attr::XattrPresence;

// The metadata keys a WriteBatch puts (with their values) and deletes.
struct BatchKeys : rocksdb::WriteBatch::Handler {
  std::map<std::string, std::string> puts;
  std::map<std::string, int> deletes;
  rocksdb::Status PutCF(uint32_t, const rocksdb::Slice& key, const rocksdb::Slice& value) override {
    puts[key.ToString()] = value.ToString();
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t, const rocksdb::Slice& key) override {
    deletes[key.ToString()]++;
    return rocksdb::Status::OK();
  }
};

class XattrPresenceTest : public VolumeTest {
 protected:
  rocksdb::DB* Db() { return static_cast<VolumeImpl*>(v)->db().db(); }

  // The write batches that reached the WAL after sequence number `after`.
  std::vector<BatchKeys> BatchesSince(rocksdb::SequenceNumber after) {
    std::vector<BatchKeys> out;
    std::unique_ptr<rocksdb::TransactionLogIterator> it;
    rocksdb::Status s = Db()->GetUpdatesSince(after + 1, &it);
    EXPECT_TRUE(s.ok()) << s.ToString();
    for (; s.ok() && it->Valid(); it->Next()) {
      rocksdb::BatchResult batch = it->GetBatch();
      out.emplace_back();
      EXPECT_TRUE(batch.writeBatchPtr->Iterate(&out.back()).ok());
    }
    return out;
  }

  Presence PresenceOf(Ino ino) { return AttrOk(ino).xattrs; }

  // Rewrites `ino`'s record as an older rpuffsd wrote it (no xattr count).
  void MakeOldRecord(Ino ino) {
    std::string value;
    ASSERT_TRUE(static_cast<VolumeImpl*>(v)->db().GetMeta(InodeKey(ino), &value).ok());
    Inode inode;
    ASSERT_TRUE(DecodeInode(value, ino, &inode));
    ASSERT_TRUE(internal::RawPut(v, Family::kMeta, InodeKey(ino), EncodeInodeV1(inode)).ok());
  }
};
STORAGE_SUITE(XattrPresenceTest);

TEST_P(XattrPresenceTest, NewInodesHaveNone) {
  Ino f = FileOk(kRootIno, "f");
  Ino d = MkdirOk(kRootIno, "d");
  auto l = v->Symlink(Op(), root, kRootIno, "l", "f");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(PresenceOf(f), Presence::kNone);
  EXPECT_EQ(PresenceOf(d), Presence::kNone);
  EXPECT_EQ(l->xattrs, Presence::kNone);
  EXPECT_EQ(PresenceOf(kRootIno), Presence::kNone);  // a volume created by this version
}

TEST_P(XattrPresenceTest, SetMakesSomeAndRemovingTheLastMakesNone) {
  Ino f = FileOk(kRootIno, "f");
  ASSERT_TRUE(v->SetXattr(Op(), root, f, "user.a", "1", 0).ok());
  EXPECT_EQ(PresenceOf(f), Presence::kSome);
  ASSERT_TRUE(v->SetXattr(Op(), root, f, "security.b", "2", 0).ok());
  ASSERT_TRUE(v->SetXattr(Op(), root, f, "user.a", "3", XATTR_REPLACE).ok());  // not a new one
  EXPECT_EQ(v->SetXattr(Op(), root, f, "user.a", "4", XATTR_CREATE).err(), EEXIST);
  EXPECT_EQ(v->RemoveXattr(Op(), root, f, "user.none").err(), ENODATA);
  ASSERT_TRUE(v->RemoveXattr(Op(), root, f, "user.a").ok());
  EXPECT_EQ(PresenceOf(f), Presence::kSome);  // security.b is left
  EXPECT_TRUE(FsckNow().empty());             // the count is exactly 1
  EXPECT_EQ(v->ListXattr(root, f).value(), std::vector<std::string>{"security.b"});
  ASSERT_TRUE(v->RemoveXattr(Op(), root, f, "security.b").ok());
  EXPECT_EQ(PresenceOf(f), Presence::kNone);
  EXPECT_TRUE(v->ListXattr(root, f).value().empty());
  Reopen();  // persisted, not only cached
  EXPECT_EQ(PresenceOf(f), Presence::kNone);
}

TEST_P(XattrPresenceTest, LookupAndReaddirPlusCarryIt) {
  Ino with = FileOk(kRootIno, "with");
  Ino without = FileOk(kRootIno, "without");
  ASSERT_TRUE(v->SetXattr(Op(), root, with, "system.posix_acl_access", "acl", 0).ok());
  EXPECT_EQ(v->Lookup(root, kRootIno, "with")->xattrs, Presence::kSome);
  EXPECT_EQ(v->Lookup(root, kRootIno, "without")->xattrs, Presence::kNone);
  auto listing = v->Readdir(root, kRootIno, 0, 100, true);
  ASSERT_TRUE(listing.ok());
  std::map<Ino, Presence> seen;
  for (const DirEntry& e : listing->entries) seen[e.ino] = e.attr.xattrs;
  EXPECT_EQ(seen[with], Presence::kSome);
  EXPECT_EQ(seen[without], Presence::kNone);
}

TEST_P(XattrPresenceTest, CountIsWrittenInTheBatchOfTheChange) {
  Ino f = FileOk(kRootIno, "f");
  struct Step {
    bool set;
    const char* name;
    uint32_t count_after;
  } steps[] = {{true, "user.a", 1}, {true, "user.b", 2}, {true, "user.a", 2}, {false, "user.a", 1},
               {false, "user.b", 0}};
  for (const Step& step : steps) {
    rocksdb::SequenceNumber before = Db()->GetLatestSequenceNumber();
    Status s = step.set ? v->SetXattr(Op(), root, f, step.name, "v", 0) : v->RemoveXattr(Op(), root, f, step.name);
    ASSERT_TRUE(s.ok()) << step.name;
    auto batches = BatchesSince(before);
    ASSERT_EQ(batches.size(), 1u) << "one write per change";
    BatchKeys& b = batches[0];
    const std::string xkey = XattrKey(f, step.name);
    EXPECT_EQ(step.set ? b.puts.count(xkey) : static_cast<size_t>(b.deletes.count(xkey)), 1u) << step.name;
    ASSERT_EQ(b.puts.count(InodeKey(f)), 1u) << step.name;
    Inode written;
    ASSERT_TRUE(DecodeInode(b.puts[InodeKey(f)], f, &written));
    EXPECT_EQ(written.xattr_count, step.count_after) << step.name;
  }
}

TEST_P(XattrPresenceTest, OldRecordSaysUnknownUntilItsNextXattrChange) {
  Ino f = FileOk(kRootIno, "f");
  Ino g = FileOk(kRootIno, "g");
  ASSERT_TRUE(v->SetXattr(Op(), root, f, "user.a", "1", 0).ok());
  ASSERT_TRUE(v->SetXattr(Op(), root, f, "user.b", "2", 0).ok());
  MakeOldRecord(f);
  MakeOldRecord(g);
  MakeOldRecord(kRootIno);
  Reopen();  // a volume of the older version opens
  EXPECT_EQ(PresenceOf(f), Presence::kUnknown);
  EXPECT_EQ(PresenceOf(g), Presence::kUnknown);
  EXPECT_EQ(PresenceOf(kRootIno), Presence::kUnknown);
  EXPECT_EQ(v->ListXattr(root, f).value(), (std::vector<std::string>{"user.a", "user.b"}));
  EXPECT_TRUE(FsckNow().empty());
  // A rewrite that does not touch xattrs keeps "unknown" (it was not counted).
  ASSERT_TRUE(v->SetAttr(Op(), root, f, SetMode(0600)).ok());
  EXPECT_EQ(PresenceOf(f), Presence::kUnknown);
  // The next xattr change counts what is there: 2, +1, then all removed.
  ASSERT_TRUE(v->SetXattr(Op(), root, f, "user.c", "3", 0).ok());
  EXPECT_EQ(PresenceOf(f), Presence::kSome);
  EXPECT_TRUE(FsckNow().empty());  // exactly 3
  for (const char* name : {"user.a", "user.b", "user.c"}) ASSERT_TRUE(v->RemoveXattr(Op(), root, f, name).ok());
  EXPECT_EQ(PresenceOf(f), Presence::kNone);
  // An old inode without xattrs learns it at its first one, then its removal.
  ASSERT_TRUE(v->SetXattr(Op(), root, g, "user.x", "1", 0).ok());
  ASSERT_TRUE(v->RemoveXattr(Op(), root, g, "user.x").ok());
  EXPECT_EQ(PresenceOf(g), Presence::kNone);
}

// The version-1 layout written out field by field, as the older rpuffsd
// did: version, ino, mode, nlink, uid, gid, rdev, size, blocks, generation,
// atime, mtime, ctime (sec 8 + nsec 4 each), blksize (8), parent, target.
TEST(InodeRecordTest, VersionOneRecordDecodesWithUnknownCount) {
  std::string rec(1, '\x01');
  for (uint64_t x : {uint64_t{42}}) PutLE64(&rec, x);
  for (uint32_t x : {0120777u, 1u, 1000u, 100u}) PutLE32(&rec, x);
  for (uint64_t x : {uint64_t{0}, uint64_t{6}, uint64_t{0}, uint64_t{9}}) PutLE64(&rec, x);
  for (int i = 0; i < 3; ++i) {
    PutLE64(&rec, 1700000000 + i);
    PutLE32(&rec, 5);
  }
  PutLE64(&rec, 512);
  PutLE64(&rec, 0);  // parent
  rec += "target";
  Inode inode;
  ASSERT_TRUE(DecodeInode(rec, 42, &inode));
  EXPECT_EQ(inode.mode, 0120777u);
  EXPECT_EQ(inode.uid, 1000u);
  EXPECT_EQ(inode.size, 6u);
  EXPECT_EQ(inode.generation, 9u);
  EXPECT_EQ(inode.ctime.sec, 1700000002);
  EXPECT_EQ(inode.target, "target");
  EXPECT_EQ(inode.xattr_count, Inode::kXattrsUnknown);
  EXPECT_EQ(inode.ToAttr(4096).xattrs, Presence::kUnknown);
  EXPECT_EQ(EncodeInodeV1(inode), rec);
  EXPECT_FALSE(DecodeInode(rec, 43, &inode));                   // another inode's record
  EXPECT_FALSE(DecodeInode(rec.substr(0, 100), 42, &inode));    // truncated
  rec[0] = '\x03';
  EXPECT_FALSE(DecodeInode(rec, 42, &inode));                   // unknown version
}

TEST(InodeRecordTest, CurrentRecordRoundTripsTheCount) {
  Inode inode;
  inode.ino = 7;
  inode.mode = 0100644;
  inode.target = "";
  for (uint32_t count : {0u, 1u, 1000u, Inode::kXattrsUnknown}) {
    inode.xattr_count = count;
    Inode back;
    ASSERT_TRUE(DecodeInode(EncodeInode(inode), 7, &back));
    EXPECT_EQ(back.xattr_count, count);
  }
  inode.xattr_count = 0;
  EXPECT_EQ(inode.ToAttr(4096).xattrs, Presence::kNone);
  inode.xattr_count = 3;
  EXPECT_EQ(inode.ToAttr(4096).xattrs, Presence::kSome);
}

TEST(InodeRecordTest, OutcomeRecordsOfBothVersionsDecode) {
  Outcome o;
  o.attr.ino = 5;
  o.attr.xattrs = Presence::kNone;
  o.count = 3;
  Outcome back;
  std::string rec = EncodeOutcome(o);
  ASSERT_TRUE(DecodeOutcome(rec, &back));
  EXPECT_EQ(back.attr.xattrs, Presence::kNone);
  EXPECT_EQ(back.count, 3u);
  // Version 1: the same bytes without the trailing presence byte.
  std::string old = rec.substr(0, rec.size() - 1);
  old[0] = '\x01';
  ASSERT_TRUE(DecodeOutcome(old, &back));
  EXPECT_EQ(back.attr.ino, 5u);
  EXPECT_EQ(back.count, 3u);
  EXPECT_EQ(back.attr.xattrs, Presence::kUnknown);
  rec.back() = '\x07';
  EXPECT_FALSE(DecodeOutcome(rec, &back));  // no such presence
}

TEST_P(XattrPresenceTest, RetriedChangeAnswersTheSamePresence) {
  Ino f = FileOk(kRootIno, "f");
  OpId op = Op();
  auto first = v->SetAttr(op, root, f, SetMode(0600));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(v->SetXattr(Op(), root, f, "user.a", "1", 0).ok());
  auto again = v->SetAttr(op, root, f, SetMode(0600));  // replayed: the first answer
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->xattrs, Presence::kNone);
  EXPECT_EQ(AttrOk(f).xattrs, Presence::kSome);
}

TEST_P(XattrPresenceTest, FsckChecksAKnownCountAgainstTheKeys) {
  Ino f = FileOk(kRootIno, "f");
  ASSERT_TRUE(v->SetXattr(Op(), root, f, "user.a", "1", 0).ok());
  auto finds = [&](const std::string& kind) {
    for (const FsckFinding& x : FsckNow())
      if (x.kind == kind) return true;
    return false;
  };
  ASSERT_TRUE(internal::RawPut(v, Family::kMeta, XattrKey(f, "user.sneaked"), "v").ok());
  EXPECT_TRUE(finds("wrong-xattr-count"));
  ASSERT_TRUE(internal::RawDelete(v, Family::kMeta, XattrKey(f, "user.sneaked")).ok());
  ASSERT_TRUE(internal::RawDelete(v, Family::kMeta, XattrKey(f, "user.a")).ok());
  EXPECT_TRUE(finds("wrong-xattr-count"));  // records 1, has none
  // An old record (count unknown) is not checked.
  MakeOldRecord(f);
  EXPECT_TRUE(FsckNow().empty());
}

}  // namespace
}  // namespace rpuffs::storage::testing
