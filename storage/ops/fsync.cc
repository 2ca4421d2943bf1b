// Fsync: a synced write makes everything written before it durable.
#include "storage/volume_impl.h"

namespace rpuffs::storage {

Status VolumeImpl::Fsync(Ino ino) {
  Inode inode;
  if (Status s = LoadInode(ino, &inode); !s.ok()) return s;
  return db_->SyncWal();
}

}  // namespace rpuffs::storage
