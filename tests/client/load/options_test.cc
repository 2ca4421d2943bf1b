// Sizes, --mix and workload names: what is accepted and what is refused.
#include <gtest/gtest.h>

#include "client/load/flags.h"
#include "client/load/workload.h"

namespace rpuffs::load {
namespace {

TEST(ParseSize, SuffixesArePowersOf1024) {
  struct Case {
    const char* text;
    bool ok;
    uint64_t want;
  } cases[] = {
      {"4096", true, 4096}, {"64K", true, 65536}, {"8M", true, 8u << 20}, {"1G", true, 1u << 30},
      {"", false, 0},       {"K", false, 0},      {"12X", false, 0},      {"-1", false, 0},
  };
  for (const auto& c : cases) {
    uint64_t got = 0;
    EXPECT_EQ(ParseSize(c.text, &got), c.ok) << c.text;
    if (c.ok) {
      EXPECT_EQ(got, c.want) << c.text;
    }
  }
}

TEST(OpMix, PicksByWeight) {
  OpMix mix;
  std::string why;
  ASSERT_TRUE(mix.Parse("read=3,write=1", {"read", "write"}, &why)) << why;
  int reads = 0;
  for (uint64_t r = 0; r < 400; ++r) reads += mix.Pick(r) == "read";
  EXPECT_EQ(reads, 300);
}

TEST(OpMix, RefusesUnknownOpsAndBadWeights) {
  OpMix mix;
  for (const char* bad : {"read=1,fly=2", "read", "read=x", "read=0,write=0", "=1", ""}) {
    std::string why;
    EXPECT_FALSE(mix.Parse(bad, {"read", "write"}, &why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
}

TEST(MakeWorkload, KnowsTheSixWorkloadsAndRefusesOthers) {
  LoadOptions o;
  o.clients = 4;
  for (const char* name : {"mdtest", "seqio", "randio", "smallfiles", "mixed", "coherence"}) {
    o.workload = name;
    std::string why;
    EXPECT_NE(MakeWorkload(o, &why), nullptr) << name << ": " << why;
  }
  o.workload = "fio";
  std::string why;
  EXPECT_EQ(MakeWorkload(o, &why), nullptr);
  EXPECT_NE(why.find("unknown workload 'fio'"), std::string::npos) << why;
}

TEST(MakeWorkload, RefusesOptionsTheWorkloadCannotUse) {
  LoadOptions o;
  o.clients = 1;
  o.workload = "coherence";
  std::string why;
  EXPECT_EQ(MakeWorkload(o, &why), nullptr) << "coherence with one client";
  o.workload = "randio";
  o.file_size = 1000;
  EXPECT_EQ(MakeWorkload(o, &why), nullptr) << "randio file size not a multiple of 4K";
  o.file_size = 0;
  o.mix = "read=1,stat=1";
  EXPECT_EQ(MakeWorkload(o, &why), nullptr) << "randio has no stat";
}

TEST(EffectiveDuration, OpenEndedRunsDefaultToTenSecondsOtherwiseAFiveMinuteCap) {
  LoadOptions o;
  EXPECT_EQ(EffectiveDuration(o, true), 10.0);
  EXPECT_EQ(EffectiveDuration(o, false), 300.0);
  o.ops = 5;
  EXPECT_EQ(EffectiveDuration(o, true), 300.0);
  o.duration_s = 2;
  EXPECT_EQ(EffectiveDuration(o, true), 2.0);
}

}  // namespace
}  // namespace rpuffs::load
