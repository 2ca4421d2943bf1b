#include "tests/client/load/load_run_util.h"

#include <fstream>
#include <sstream>

namespace rpuffs::testing {
namespace {

int64_t NumberAfter(const std::string& json, size_t at) {
  if (at == std::string::npos) return -1;
  size_t end = json.find_first_not_of("0123456789", at);
  if (end == at) return -1;
  return std::stoll(json.substr(at, end - at));
}

}  // namespace

LoadResult RunLoadTool(const std::vector<std::string>& args, const TempDir& dir, bool with_json) {
  std::vector<std::string> argv = {BinaryPath("client/load/rpuffs-load")};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string json_path = dir.Sub("result.json");
  if (with_json) {
    std::remove(json_path.c_str());
    argv.push_back("--json");
    argv.push_back(json_path);
  }
  LoadResult r;
  r.code = RunCommand(argv, &r.output, std::chrono::minutes(2));
  std::ifstream in(json_path);
  std::stringstream buf;
  buf << in.rdbuf();
  r.json = buf.str();
  return r;
}

int64_t OpCount(const std::string& json, const std::string& op) {
  std::string key = "{\"name\":\"" + op + "\",\"count\":";
  size_t at = json.find(key);
  return NumberAfter(json, at == std::string::npos ? at : at + key.size());
}

int64_t Total(const std::string& json, const std::string& key) {
  size_t totals = json.find("\"totals\":{");
  if (totals == std::string::npos) return -1;
  std::string k = "\"" + key + "\":";
  size_t at = json.find(k, totals);
  return NumberAfter(json, at == std::string::npos ? at : at + k.size());
}

bool HasKey(const std::string& json, const std::string& key) {
  return json.find("\"" + key + "\":") != std::string::npos;
}

}  // namespace rpuffs::testing
