// Store: a data dir of volumes, each its own RocksDB under DIR/volumes/NAME.
// A flock on DIR/LOCK keeps a second Store (even in this process) out.
#include "storage/store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rocksdb/env.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

#include "storage/db.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {
namespace {

bool ValidVolumeName(const std::string& name) {
  if (name.empty() || name.size() > 64 || name == "." || name == "..") return false;
  for (char ch : name)
    if (!isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != '-') return false;
  return true;
}

class StoreImpl final : public Store {
 public:
  StoreImpl(std::string dir, StoreOptions options, rocksdb::Env* env, int lock_fd)
      : dir_(std::move(dir)), options_(options), env_(env), lock_fd_(lock_fd) {}
  ~StoreImpl() override {
    volumes_.clear();  // closes every database before the lock goes
    if (lock_fd_ >= 0) close(lock_fd_);
  }

  Status OpenExisting() {
    std::vector<std::string> names;
    rocksdb::Status s = env_->GetChildren(dir_ + "/volumes", &names);
    if (!s.ok()) return FromRocks(s);
    for (const std::string& name : names) {
      if (!ValidVolumeName(name)) continue;
      auto v = VolumeImpl::Open(dir_ + "/volumes/" + name, options_.volume, MaybeEnv());
      if (!v.ok()) return v.status();
      volumes_[name] = std::move(v).value();
    }
    return Status::Ok();
  }

  Volume* Find(const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = volumes_.find(name);
    return it == volumes_.end() ? nullptr : it->second.get();
  }

  Result<Volume*> CreateVolume(const std::string& name) override {
    if (!ValidVolumeName(name)) return Status(EINVAL);
    std::lock_guard<std::mutex> lock(mu_);
    if (volumes_.count(name) != 0) return Status(EEXIST);
    auto v = VolumeImpl::Open(dir_ + "/volumes/" + name, options_.volume, MaybeEnv());
    if (!v.ok()) return v.status();
    Volume* raw = v.value().get();
    volumes_[name] = std::move(v).value();
    return raw;
  }

  std::vector<std::string> ListVolumes() override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> names;
    for (const auto& [name, v] : volumes_) names.push_back(name);
    return names;
  }

 private:
  rocksdb::Env* MaybeEnv() const { return env_ == rocksdb::Env::Default() ? nullptr : env_; }

  std::string dir_;
  StoreOptions options_;
  rocksdb::Env* env_;
  int lock_fd_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<VolumeImpl>> volumes_;  // guarded by mu_
};

// Creates the dir tree and takes DIR/LOCK (real filesystem only).
Result<int> PrepareDir(const std::string& dir, rocksdb::Env* env, bool real_fs) {
  for (const std::string& d : {dir, dir + "/volumes"}) {
    if (real_fs) {
      if (mkdir(d.c_str(), 0755) != 0 && errno != EEXIST) return Status(errno, d + ": " + strerror(errno));
      struct stat st;
      if (stat(d.c_str(), &st) != 0) return Status(errno, d + ": " + strerror(errno));
      if (!S_ISDIR(st.st_mode)) return Status(ENOTDIR, d + ": not a directory");
    } else if (rocksdb::Status s = env->CreateDirIfMissing(d); !s.ok()) {
      return FromRocks(s);
    }
  }
  if (!real_fs) return -1;
  std::string lock_path = dir + "/LOCK";
  int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status(errno, lock_path + ": " + strerror(errno));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno == EWOULDBLOCK ? EBUSY : errno;
    close(fd);
    return Status(err, dir + ": in use by another store");
  }
  return fd;
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, const StoreOptions& options) {
  rocksdb::Env* env = options.rocksdb_env ? static_cast<rocksdb::Env*>(options.rocksdb_env) : rocksdb::Env::Default();
  const bool real_fs = options.rocksdb_env == nullptr;
  auto fd = PrepareDir(dir, env, real_fs);
  if (!fd.ok()) return fd.status();
  auto store = std::make_unique<StoreImpl>(dir, options, env, fd.value());
  if (Status s = store->OpenExisting(); !s.ok()) return s;
  if (options.create_default_volume && store->Find("default") == nullptr) {
    auto v = store->CreateVolume("default");
    if (!v.ok()) return v.status();
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace rpuffs::storage
