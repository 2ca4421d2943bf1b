// Attr.xattrs on a mount: what `ls -l` asks about files (security.selinux,
// system.posix_acl_access: EOPNOTSUPP from the framework, puffs has neither)
// and other security.* probes of a file without xattrs (answered from the
// attributes READDIRPLUS brought) send no GetXattr or ListXattr; a file with xattrs
// still shows them, and changes (another mount's, through the watch, and
// this mount's own) show as before.
#include <dirent.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include <cerrno>
#include <map>
#include <sstream>

#include "tests/client/rpuffs/mount_fixture.h"

namespace rpuffs::testing {
namespace {

constexpr auto kPrompt = std::chrono::seconds(20);
// The kernel and the mount trust what they have for an hour: only the
// presence in the attributes (or a notice) can explain what is not asked.
constexpr const char* kHour = "cache_timeout=3600,attr_timeout=3600,entry_timeout=3600";
constexpr int kFiles = 200;

bool LogHas(const Subprocess& daemon, const std::string& text) {
  return daemon.Output().find(text) != std::string::npos;
}

// Did the daemon (-d) log a GetXattr or ListXattr call for inode `ino`?
bool XattrRpcFor(const Subprocess& daemon, ino_t ino) {
  std::istringstream lines(daemon.Output());
  std::string line, id = "ino=" + std::to_string(ino);
  while (std::getline(lines, line)) {
    bool xattr_rpc = line.find("event=rpc method=GetXattr ") != std::string::npos ||
                     line.find("event=rpc method=ListXattr ") != std::string::npos;
    size_t at = line.find(id);
    size_t end = at + id.size();
    if (xattr_rpc && at != std::string::npos && (end == line.size() || line[end] == ' ')) return true;
  }
  return false;
}

std::string XattrOf(const std::string& path, const char* name) {
  char buf[64];
  ssize_t n = lgetxattr(path.c_str(), name, buf, sizeof buf);
  return n < 0 ? "<" + std::to_string(errno) + ">" : std::string(buf, static_cast<size_t>(n));
}

// What `ls -l DIR` does: readdir, then per entry lstat and the two xattr
// probes. Returns each name's inode and "<selinux answer>|<acl answer>".
std::map<std::string, std::string> ListLong(const std::string& dir, std::map<std::string, ino_t>* inos) {
  std::map<std::string, std::string> out;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    std::string path = dir + "/" + name;
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0) continue;
    (*inos)[name] = st.st_ino;
    out[name] = XattrOf(path, "security.selinux") + "|" + XattrOf(path, "system.posix_acl_access");
  }
  closedir(d);
  return out;
}

TEST_F(RpuffsMountTest, ListLongOfFilesWithoutXattrsAsksTheServerNothing) {
  std::string a = MountOrFail("a");
  ASSERT_EQ(mkdir((a + "/many").c_str(), 0755), 0);
  for (int i = 0; i < kFiles; ++i) ASSERT_TRUE(WriteFile(a + "/many/f" + std::to_string(i), "", false)) << i;
  ASSERT_TRUE(WriteFile(a + "/many/with", "", false));
  ASSERT_EQ(setxattr((a + "/many/with").c_str(), "security.rpuffs", "s1", 2, 0), 0);
  // A second mount: nothing it knows comes from having made the files.
  std::string b = NewMountPoint("b");
  auto daemon = MountForeground(b, {"-d", "-o", kHour});
  ASSERT_TRUE(WaitUntil([&] { return LogHas(*daemon, "event=watch watching=true"); }, kPrompt))
      << daemon->Output();

  std::map<std::string, ino_t> inos;
  auto probes = ListLong(b + "/many", &inos);
  ASSERT_EQ(probes.size(), kFiles + 1u);
  const std::string absent = "<" + std::to_string(ENODATA) + ">";
  const std::string unsupported = "<" + std::to_string(EOPNOTSUPP) + ">";
  for (const auto& [name, answer] : probes) EXPECT_EQ(answer, unsupported + "|" + unsupported) << name;
  // Other security.* names of a file without xattrs (the kernel's probe
  // before a write): answered from its attributes.
  for (int i = 0; i < kFiles; i += 10) {
    EXPECT_EQ(XattrOf(b + "/many/f" + std::to_string(i), "security.capability"), absent) << i;
  }
  // The file with an xattr still has it; its call is logged, and after the
  // lines of everything before it.
  EXPECT_EQ(XattrOf(b + "/many/with", "security.rpuffs"), "s1");
  std::string with_call = "event=rpc method=GetXattr ino=" + std::to_string(inos["with"]) + " ";
  ASSERT_TRUE(WaitUntil([&] { return LogHas(*daemon, with_call); }, kPrompt)) << daemon->Output();
  int asked = 0;
  for (const auto& [name, ino] : inos) asked += name != "with" && XattrRpcFor(*daemon, ino);
  EXPECT_EQ(asked, 0) << daemon->Output();

  // Another mount's change shows (the notice drops what b knew) ...
  ASSERT_EQ(setxattr((a + "/many/f7").c_str(), "security.rpuffs", "new", 3, 0), 0);
  EXPECT_TRUE(WaitUntil([&] { return XattrOf(b + "/many/f7", "security.rpuffs") == "new"; }, kPrompt));
  // ... and b's own changes at once, on a file it knew had none and on one with.
  ASSERT_EQ(setxattr((b + "/many/f8").c_str(), "security.rpuffs", "own", 3, 0), 0);
  EXPECT_EQ(XattrOf(b + "/many/f8", "security.rpuffs"), "own");
  ASSERT_EQ(removexattr((b + "/many/with").c_str(), "security.rpuffs"), 0);
  EXPECT_EQ(XattrOf(b + "/many/with", "security.rpuffs"), absent);
  EXPECT_TRUE(WaitUntil([&] { return XattrOf(a + "/many/f8", "security.rpuffs") == "own"; }, kPrompt));
}

}  // namespace
}  // namespace rpuffs::testing
