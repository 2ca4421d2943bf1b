// tests/server — one rpuffsd for a whole suite, a connected client, and a
// fresh directory per test (named after the test) so tests do not interfere.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/server/rpuffsd_harness.h"

namespace rpuffs::testing {

class ProtocolTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { StartSuiteServer({}); }
  static void TearDownTestSuite() { StopSuiteServer(); }
  static void StartSuiteServer(std::vector<std::string> extra_args);
  static void StopSuiteServer();

  void SetUp() override;

  static const std::string& address() { return server_->address(); }
  Client& client() { return *client_; }
  uint64_t dir() const { return dir_; }  // this test's own directory

  static std::unique_ptr<TempDir> data_;
  static std::unique_ptr<Rpuffsd> server_;

 private:
  std::unique_ptr<Client> client_;
  uint64_t dir_ = 0;
};

}  // namespace rpuffs::testing
