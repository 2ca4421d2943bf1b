// tests/server — building Batch requests for the batch suites: one op of
// each kind with its own credentials, a call that sends them, and a watcher
// of another session that sees what they change.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/server/rpuffsd_harness.h"
#include "tests/server/watch_stream.h"

namespace rpuffs::testing {

// A header carrying only credentials (what a batch op's hdr is for).
v1::RequestHeader CredHdr(uint32_t uid, uint32_t gid = 0);

v1::BatchOp WriteOp(uint64_t ino, uint64_t fh, uint64_t offset, const std::string& data, uint32_t uid = 0,
                    bool append = false);
// setattr with the given valid bits; mode, uid and mtime are used as valid says.
v1::BatchOp SetAttrOp(uint64_t ino, uint32_t valid, uint32_t mode, uint32_t uid = 0, uint32_t new_uid = 0,
                      int64_t mtime_sec = 0);
v1::BatchOp ChmodOp(uint64_t ino, uint32_t mode, uint32_t uid = 0);
v1::BatchOp ReleaseOp(uint64_t ino, uint64_t fh, uint32_t uid = 0);
v1::BatchOp UnlinkOp(uint64_t parent, const std::string& name, uint32_t uid = 0);

// A request for `ops` whose header takes ops.size() sequence numbers.
v1::BatchRequest MakeBatch(Client& client, std::vector<v1::BatchOp> ops, bool sync = false);
// Sends it; a non-OK gRPC status is a test failure (and an empty reply).
v1::BatchReply SendBatch(Client& client, const v1::BatchRequest& req);
// Asserts (non-fatally) that the batch answered err 0 with `n` results of err 0.
void ExpectAllApplied(const v1::BatchReply& rep, int n);

// Connects `other` (a second session of the server at `address`) and opens
// its Watch: the started event read, later events queued (StartReading).
// nullptr, with a test failure, if either fails.
std::unique_ptr<WatchStream> WatchOfAnotherSession(const std::string& address, Client& other);

}  // namespace rpuffs::testing
