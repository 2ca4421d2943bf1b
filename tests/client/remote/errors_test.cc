#include <cerrno>

#include <gtest/gtest.h>

#include "client/remote/errors.h"

namespace rpuffs::remote {
namespace {

TEST(Errors, ReplyErrnoPassesKnownValuesAndMapsUnknownToEIO) {
  EXPECT_EQ(ErrnoFromReply(0), 0);
  EXPECT_EQ(ErrnoFromReply(ENOENT), ENOENT);
  EXPECT_EQ(ErrnoFromReply(ENOTEMPTY), ENOTEMPTY);
  EXPECT_EQ(ErrnoFromReply(-5), EIO);
  EXPECT_EQ(ErrnoFromReply(100000), EIO);
}

TEST(Errors, StatusMapsToEIOEPROTOOrEINTR) {
  using grpc::Status;
  using grpc::StatusCode;
  EXPECT_EQ(ErrnoFromStatus(Status::OK, "M", false), 0);
  EXPECT_EQ(ErrnoFromStatus(Status(StatusCode::UNAVAILABLE, "down"), "M", false), EIO);
  EXPECT_EQ(ErrnoFromStatus(Status(StatusCode::INVALID_ARGUMENT, "big"), "M", false), EIO);
  EXPECT_EQ(ErrnoFromStatus(Status(StatusCode::INTERNAL, ""), "M", false), EPROTO);
  EXPECT_EQ(ErrnoFromStatus(Status(StatusCode::CANCELLED, "x"), "M", true), EINTR);
  EXPECT_EQ(ErrnoFromStatus(Status(StatusCode::CANCELLED, "x"), "M", false), EIO);
  EXPECT_EQ(ErrnoFromStatus(Status(StatusCode::UNAVAILABLE, "x"), "M", true), EINTR);
  EXPECT_EQ(ProtocolError("M", "no ino"), EPROTO);
}

}  // namespace
}  // namespace rpuffs::remote
