#include <gtest/gtest.h>

#include "client/remote/options.h"

namespace rpuffs::remote {
namespace {

struct Case {
  const char* spec;
  bool ok;
  const char* host_port;
  const char* volume;
};

TEST(ParseTarget, AcceptsAndRejectsAsDocumented) {
  const Case cases[] = {
      {"127.0.0.1:7420", true, "127.0.0.1:7420", "default"},
      {"server:7420/home", true, "server:7420", "home"},
      {"[::1]:7420/v", true, "[::1]:7420", "v"},
      {"server", false, "", ""},
      {":7420", false, "", ""},
      {"server:", false, "", ""},
      {"server:0", false, "", ""},
      {"server:65536", false, "", ""},
      {"server:12x", false, "", ""},
      {"server:7420/", false, "", ""},
      {"server:7420/a/b", false, "", ""},
  };
  for (const Case& c : cases) {
    Target t;
    std::string why;
    EXPECT_EQ(ParseTarget(c.spec, &t, &why), c.ok) << c.spec;
    if (c.ok) {
      EXPECT_EQ(t.host_port, c.host_port) << c.spec;
      EXPECT_EQ(t.volume, c.volume) << c.spec;
    } else {
      EXPECT_FALSE(why.empty()) << c.spec;
    }
  }
}

}  // namespace
}  // namespace rpuffs::remote
