// client/puffs — one small function per FUSE op: convert libfuse's
// arguments to the ops.h call, and its result to exactly one fuse_reply_*.
// Internal to client/puffs; BuildLowlevelOps() puts them in the table.
// Every function here runs inside the request's continuation (and may
// suspend inside the op), except init, destroy and the forgets (inline).
#pragma once

#include <fuse_lowlevel.h>

namespace rpuffs::puffs::dispatch {

// fuse_dispatch_entry.cc: ops that hand a new entry to the kernel, and forgets.
void Lookup(fuse_req_t req, fuse_ino_t parent, const char* name);
void Forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void ForgetMulti(fuse_req_t req, size_t count, fuse_forget_data* forgets);
void Mknod(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, dev_t rdev);
void Mkdir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode);
void Symlink(fuse_req_t req, const char* target, fuse_ino_t parent, const char* name);
void Link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t new_parent, const char* new_name);
void Create(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, fuse_file_info* fi);

// fuse_dispatch_node.cc: attributes, names, the filesystem.
void Getattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void Setattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info* fi);
void Readlink(fuse_req_t req, fuse_ino_t ino);
void Unlink(fuse_req_t req, fuse_ino_t parent, const char* name);
void Rmdir(fuse_req_t req, fuse_ino_t parent, const char* name);
void Rename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t new_parent,
            const char* new_name, unsigned int flags);
void Statfs(fuse_req_t req, fuse_ino_t ino);

// fuse_dispatch_file.cc: open files.
void Open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void Read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi);
void Write(fuse_req_t req, fuse_ino_t ino, const char* buf, size_t size, off_t off,
           fuse_file_info* fi);
void Flush(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void Release(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void Fsync(fuse_req_t req, fuse_ino_t ino, int datasync, fuse_file_info* fi);
void Fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset, off_t length,
               fuse_file_info* fi);

// fuse_dispatch_dir.cc: directories (readdir packing by size, READDIRPLUS).
void Opendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void Readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi);
void Readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi);
void Releasedir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void Fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync, fuse_file_info* fi);

// fuse_dispatch_xattr.cc: extended attributes (size queries and ERANGE here).
// Names no puffs filesystem stores (ops.h; get and set answer EOPNOTSUPP,
// listxattr leaves them out, remove still reaches the filesystem so that
// what an earlier version stored can go): system.posix_acl_access and
// system.posix_acl_default (the kernel enforces ACLs only for a daemon that
// asks for FUSE_POSIX_ACL, which puffs does not: stored, they would be a
// silent no-op) and security.selinux (SELinux labels FUSE files itself and
// answers for this name before the request is made; only without SELinux
// does it arrive). Answering EOPNOTSUPP rather than ENODATA also tells
// tools such as `ls -l` that the mount has neither, so they stop asking.
bool UnusedXattrName(const char* name);
void Setxattr(fuse_req_t req, fuse_ino_t ino, const char* name, const char* value, size_t size,
              int flags);
void Getxattr(fuse_req_t req, fuse_ino_t ino, const char* name, size_t size);
void Listxattr(fuse_req_t req, fuse_ino_t ino, size_t size);
void Removexattr(fuse_req_t req, fuse_ino_t ino, const char* name);

}  // namespace rpuffs::puffs::dispatch
