#include "tests/server/counting_store.h"

#include <gtest/gtest.h>

namespace rpuffs::testing {

// Only volume "default", counted.
class InProcessServer::Store final : public storage::Store {
 public:
  explicit Store(CountingVolume* volume) : volume_(volume) {}
  storage::Volume* Find(const std::string& name) override { return name == "default" ? volume_ : nullptr; }
  storage::Result<storage::Volume*> CreateVolume(const std::string&) override {
    return storage::Status(EPERM, "fixed volume list");
  }
  std::vector<std::string> ListVolumes() override { return {"default"}; }

 private:
  CountingVolume* const volume_;
};

InProcessServer::InProcessServer(const std::string& data_dir, int max_message) {
  auto opened = storage::Store::Open(data_dir);
  if (!opened.ok()) {
    ADD_FAILURE() << "store: " << opened.status().message();
    return;
  }
  real_ = std::move(opened).value();
  volume_ = std::make_unique<CountingVolume>(real_->Find("default"));
  store_ = std::make_unique<Store>(volume_.get());
  service_ = std::make_unique<server::VolumeService>(store_.get(), &sessions_, &pool_, &feed_,
                                                     server::ServiceConfig{});
  grpc::ServerBuilder builder;
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(max_message);
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  if (server_ != nullptr && port_ == 0) server_.reset();
  EXPECT_NE(server_, nullptr) << "in-process server did not start";
}

InProcessServer::~InProcessServer() {
  feed_.Close();
  if (service_) service_->Drain(std::chrono::steady_clock::now() + std::chrono::seconds(10));
  if (server_) server_->Shutdown(std::chrono::system_clock::now());
  server_.reset();
  pool_.Stop();
  service_.reset();
  store_.reset();
  volume_.reset();
  real_.reset();
}

}  // namespace rpuffs::testing
