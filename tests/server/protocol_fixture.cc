#include "tests/server/protocol_fixture.h"

namespace rpuffs::testing {

std::unique_ptr<TempDir> ProtocolTest::data_;
std::unique_ptr<Rpuffsd> ProtocolTest::server_;

void ProtocolTest::StartSuiteServer(std::vector<std::string> extra_args) {
  data_ = std::make_unique<TempDir>("rpuffs-server-test");
  server_ = std::make_unique<Rpuffsd>(data_->path(), std::move(extra_args));
}

void ProtocolTest::StopSuiteServer() {
  server_.reset();
  data_.reset();
}

void ProtocolTest::SetUp() {
  ASSERT_TRUE(server_->WaitServing()) << server_->process().Output();
  client_ = std::make_unique<Client>(address());
  ASSERT_EQ(client_->Connect().err(), 0);
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  v1::EntryReply d = client_->Mkdir(1, std::string(info->test_suite_name()) + "." + info->name());
  ASSERT_EQ(d.err(), 0);
  dir_ = d.attr().ino();
}

}  // namespace rpuffs::testing
