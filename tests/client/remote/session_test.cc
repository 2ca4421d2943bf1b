#include <cerrno>

#include <gtest/gtest.h>

#include "client/remote/request_traits.h"
#include "client/remote/session.h"

namespace rpuffs::remote {
namespace {

TEST(SessionState, AckedBelowIsLowestSeqInFlight) {
  SessionState s;
  s.Adopt(7);
  Ticket a, b, c;
  ASSERT_TRUE(s.Stamp(&a, true, false, nullptr));
  ASSERT_TRUE(s.Stamp(&b, true, false, nullptr));
  ASSERT_TRUE(s.Stamp(&c, false, false, nullptr));
  EXPECT_EQ(a.session_id, 7u);
  EXPECT_EQ(a.seq, 1u);
  EXPECT_EQ(b.seq, 2u);
  EXPECT_EQ(c.seq, 0u);
  EXPECT_EQ(s.AckedBelow(), 1u);
  s.EndMutation(1);
  EXPECT_EQ(s.AckedBelow(), 2u);
  s.EndMutation(2);
  EXPECT_EQ(s.AckedBelow(), 3u);
}

TEST(SessionState, RetryKeepsSeqUnderSameSessionAndRenewsItUnderNewOne) {
  SessionState s;
  s.Adopt(7);
  Ticket t;
  ASSERT_TRUE(s.Stamp(&t, true, false, nullptr));
  uint64_t first = t.seq;
  ASSERT_TRUE(s.Stamp(&t, true, false, nullptr));
  EXPECT_EQ(t.seq, first);
  s.Adopt(7);  // resumed: same id
  ASSERT_TRUE(s.Stamp(&t, true, false, nullptr));
  EXPECT_EQ(t.seq, first);
  s.Adopt(9);  // replaced
  ASSERT_TRUE(s.Stamp(&t, true, false, nullptr));
  EXPECT_NE(t.seq, first);
  EXPECT_EQ(t.session_id, 9u);
  EXPECT_EQ(s.AckedBelow(), t.seq);  // the old seq is no longer in flight
}

TEST(SessionState, GateParksCallsDuringRecoveryAndReleasesThemOnce) {
  SessionState s;
  s.Adopt(1);
  Ticket t;
  ASSERT_TRUE(s.Stamp(&t, false, false, nullptr));
  int started = 0, parked_ok = 0;
  auto waiter = [&](bool ok) { parked_ok += ok ? 1 : 0; };
  EXPECT_EQ(s.OnSessionLost(t, waiter), SessionState::LostAction::kStartRecovery);
  EXPECT_EQ(s.OnSessionLost(t, waiter), SessionState::LostAction::kParked);
  Ticket other;
  EXPECT_FALSE(s.Stamp(&other, false, false, waiter));  // parked behind the gate
  EXPECT_TRUE(s.Stamp(&other, false, true, nullptr));   // recovery passes
  s.Adopt(1);
  auto waiters = s.EndRecovery();
  EXPECT_EQ(waiters.size(), 3u);
  for (auto& w : waiters) w(true);
  EXPECT_EQ(parked_ok, 3);
  // A call that used the old generation retries at once.
  EXPECT_EQ(s.OnSessionLost(t, [&](bool) { ++started; }), SessionState::LostAction::kRetryNow);
  EXPECT_EQ(started, 0);
}

TEST(SessionState, HandlesKeepLocalIdsAcrossRebind) {
  SessionState s;
  uint64_t h = s.AddHandle(42, O_RDWR, 1000);
  EXPECT_EQ(s.ServerFh(h).value(), 1000u);
  s.RebindHandle(h, 2000);
  EXPECT_EQ(s.ServerFh(h).value(), 2000u);
  s.RebindHandle(h, std::nullopt);
  EXPECT_FALSE(s.ServerFh(h).has_value());
  EXPECT_EQ(MissingHandleErrno(s, h), EIO);
  s.RemoveHandle(h);
  EXPECT_EQ(MissingHandleErrno(s, h), EBADF);
  EXPECT_TRUE(s.Handles().empty());
}

TEST(RequestTraits, MutationsAndReopenFlags) {
  v1::OpenRequest open;
  open.set_flags(O_RDWR);
  EXPECT_FALSE(IsMutation(open));
  open.set_flags(O_RDWR | O_TRUNC);
  EXPECT_TRUE(IsMutation(open));
  EXPECT_TRUE(IsMutation(v1::WriteRequest()));
  EXPECT_TRUE(IsMutation(v1::RenameRequest()));
  EXPECT_FALSE(IsMutation(v1::ReadRequest()));
  EXPECT_FALSE(IsMutation(v1::GetAttrRequest()));
  EXPECT_EQ(ReopenFlags(O_WRONLY | O_CREAT | O_TRUNC | O_EXCL | O_APPEND),
            static_cast<uint32_t>(O_WRONLY | O_APPEND));
  EXPECT_TRUE(HasFh<v1::ReadRequest>::value);
  EXPECT_FALSE(HasFh<v1::LookupRequest>::value);
  EXPECT_FALSE(HasHdr<v1::HelloRequest>::value);
  EXPECT_TRUE(HasHdr<v1::LookupRequest>::value);
}

}  // namespace
}  // namespace rpuffs::remote
