// Fsck: one pass over a snapshot of each column family, then cross-checks.
// Finding kinds: dangling-dentry, dentry-in-non-dir, bad-dentry, wrong-nlink,
// wrong-dotdot, dir-multiple-links, missing-root, unreferenced-inode,
// orphan-unheld, orphan-block, block-past-eof, wrong-blocks, orphan-xattr,
// wrong-xattr-count (only where the inode record knows its count),
// dangling-handle, counter-mismatch, ino-counter, corrupt-record.
#include <rocksdb/snapshot.h>
#include <sys/stat.h>

#include <algorithm>
#include <functional>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "storage/keys.h"
#include "storage/store.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {
namespace {

struct Dentry {
  Ino parent;
  std::string name;
  DentryValue value;
};

struct Scan {
  std::map<Ino, Inode> inodes;
  std::vector<Dentry> dentries;
  std::set<Ino> orphans, held;
  std::map<Ino, uint64_t> blocks;  // blocks present per inode
  std::map<Ino, uint32_t> xattrs;  // xattr keys present per inode
  std::map<uint64_t, std::string> counters;
  std::vector<FsckFinding> findings;
  void Report(std::string kind, std::string detail) { findings.push_back({std::move(kind), std::move(detail)}); }
};

void ScanMetaKey(Scan& scan, std::string_view key, std::string_view value) {
  uint64_t id = key.size() >= 9 ? GetBE64(key.data() + 1) : 0;
  switch (static_cast<KeyTag>(key[0])) {
    case KeyTag::kInode: {
      Inode inode;
      if (key.size() != 9 || !DecodeInode(value, id, &inode)) return scan.Report("corrupt-record", "inode " + std::to_string(id));
      scan.inodes[id] = inode;
      return;
    }
    case KeyTag::kDentry: {
      DentryKeyParts parts;
      Dentry d;
      if (!ParseDentryKey(key, &parts) || !DecodeDentry(value, &d.value) || parts.hash != NameHash(parts.name))
        return scan.Report("bad-dentry", "dentry in dir " + std::to_string(id));
      d.parent = parts.parent;
      d.name.assign(parts.name);
      scan.dentries.push_back(std::move(d));
      return;
    }
    case KeyTag::kOrphan: scan.orphans.insert(id); return;
    case KeyTag::kXattr: scan.xattrs[id]++; return;
    case KeyTag::kHandle:
      if (value.size() == 8) scan.held.insert(GetBE64(value.data()));
      return;
    case KeyTag::kCounter: scan.counters[id] = std::string(value); return;
    default: return;
  }
}

void ScanFamily(VolumeImpl* v, const rocksdb::ReadOptions& ro, rocksdb::ColumnFamilyHandle* cf,
                const std::function<void(std::string_view, std::string_view)>& fn) {
  std::unique_ptr<rocksdb::Iterator> it(v->db().db()->NewIterator(ro, cf));
  for (it->SeekToFirst(); it->Valid(); it->Next())
    fn(std::string_view(it->key().data(), it->key().size()), std::string_view(it->value().data(), it->value().size()));
}

void CheckDentries(Scan& scan, std::map<Ino, uint32_t>* links, std::map<Ino, uint32_t>* subdirs) {
  for (const Dentry& d : scan.dentries) {
    std::string where = "dir " + std::to_string(d.parent) + " name '" + d.name + "' -> " + std::to_string(d.value.ino);
    auto parent = scan.inodes.find(d.parent);
    if (parent == scan.inodes.end() || !parent->second.is_dir()) scan.Report("dentry-in-non-dir", where);
    auto child = scan.inodes.find(d.value.ino);
    if (child == scan.inodes.end()) {
      scan.Report("dangling-dentry", where);
      continue;
    }
    if ((child->second.mode & S_IFMT) != d.value.type) scan.Report("bad-dentry", where + " (type)");
    (*links)[d.value.ino]++;
    if (child->second.is_dir()) {
      (*subdirs)[d.parent]++;
      if (child->second.parent != d.parent) scan.Report("wrong-dotdot", where);
    }
  }
}

void CheckInodes(Scan& scan) {
  std::map<Ino, uint32_t> links, subdirs;
  CheckDentries(scan, &links, &subdirs);
  auto root = scan.inodes.find(kRootIno);
  if (root == scan.inodes.end() || !root->second.is_dir()) scan.Report("missing-root", "inode 1");
  for (const auto& [ino, inode] : scan.inodes) {
    std::string id = "inode " + std::to_string(ino);
    uint32_t n = links[ino];
    if (inode.is_dir() && ino != kRootIno && n > 1) scan.Report("dir-multiple-links", id);
    uint32_t expected = inode.is_dir() ? (n == 0 && ino != kRootIno ? 0 : 2 + subdirs[ino]) : n;
    if (inode.nlink != expected)
      scan.Report("wrong-nlink", id + " nlink " + std::to_string(inode.nlink) + " expected " + std::to_string(expected));
    if (n == 0 && ino != kRootIno) {
      if (scan.orphans.count(ino) == 0) scan.Report("unreferenced-inode", id);
      else if (scan.held.count(ino) == 0) scan.Report("orphan-unheld", id);
    }
    if (scan.blocks[ino] != inode.alloc_blocks)
      scan.Report("wrong-blocks", id + " records " + std::to_string(inode.alloc_blocks) + " blocks, has " +
                                      std::to_string(scan.blocks[ino]));
    uint32_t keys = scan.xattrs.count(ino) ? scan.xattrs[ino] : 0;
    if (inode.xattr_count != Inode::kXattrsUnknown && inode.xattr_count != keys)
      scan.Report("wrong-xattr-count", id + " records " + std::to_string(inode.xattr_count) + " xattrs, has " +
                                           std::to_string(keys));
  }
  for (const auto& entry : scan.xattrs)
    if (scan.inodes.count(entry.first) == 0) scan.Report("orphan-xattr", "inode " + std::to_string(entry.first));
  for (Ino ino : scan.held)
    if (scan.inodes.count(ino) == 0) scan.Report("dangling-handle", "inode " + std::to_string(ino));
}

void CheckCounters(Scan& scan) {
  auto counter = [&](CounterId id) {
    auto it = scan.counters.find(static_cast<uint64_t>(id));
    return it == scan.counters.end() || it->second.size() != 8 ? 0 : GetLE64(it->second.data());
  };
  uint64_t used = 0, max_ino = 0;
  for (const auto& [ino, inode] : scan.inodes) {
    used += inode.alloc_blocks;
    max_ino = std::max(max_ino, ino);
  }
  if (counter(CounterId::kUsedBlocks) != used)
    scan.Report("counter-mismatch", "used blocks " + std::to_string(counter(CounterId::kUsedBlocks)) + " != " +
                                        std::to_string(used));
  if (counter(CounterId::kInodes) != scan.inodes.size())
    scan.Report("counter-mismatch", "inodes " + std::to_string(counter(CounterId::kInodes)) + " != " +
                                        std::to_string(scan.inodes.size()));
  if (counter(CounterId::kNextInoLimit) <= max_ino)
    scan.Report("ino-counter", "next inode limit " + std::to_string(counter(CounterId::kNextInoLimit)) +
                                   " <= highest inode " + std::to_string(max_ino));
}

}  // namespace

Result<std::vector<FsckFinding>> Fsck(Volume* volume) {
  auto* v = dynamic_cast<VolumeImpl*>(volume);
  if (v == nullptr) return Status(EINVAL, "not a RocksDB volume");
  rocksdb::ManagedSnapshot snapshot(v->db().db());
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot.snapshot();
  ro.total_order_seek = true;
  Scan scan;
  ScanFamily(v, ro, v->db().meta(), [&](std::string_view k, std::string_view val) {
    if (!k.empty()) ScanMetaKey(scan, k, val);
  });
  const uint64_t bs = v->block_size();
  ScanFamily(v, ro, v->db().data(), [&](std::string_view k, std::string_view val) {
    if (k.size() != 16) return scan.Report("corrupt-record", "data key of " + std::to_string(k.size()) + " bytes");
    Ino ino = GetBE64(k.data());
    uint64_t index = GetBE64(k.data() + 8);
    auto it = scan.inodes.find(ino);
    std::string id = "inode " + std::to_string(ino) + " block " + std::to_string(index);
    if (it == scan.inodes.end()) return scan.Report("orphan-block", id);
    scan.blocks[ino]++;
    // An empty block is space reserved by fallocate (KEEP_SIZE may reserve
    // past EOF); only bytes past EOF break the "reads zeros after growth" rule.
    if (val.size() > bs || (!val.empty() && index * bs + val.size() > it->second.size))
      scan.Report("block-past-eof", id);
  });
  CheckInodes(scan);
  CheckCounters(scan);
  return scan.findings;
}

}  // namespace rpuffs::storage
