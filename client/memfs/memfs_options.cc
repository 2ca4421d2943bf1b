#include "client/memfs/memfs_options.h"

#include <cmath>
#include <cstdlib>

namespace rpuffs::memfs {
namespace {

struct Word {
  const char* prefix;
  double MemFsOptions::*field;
};

constexpr Word kWords[] = {
    {"attr_timeout=", &MemFsOptions::attr_timeout},
    {"entry_timeout=", &MemFsOptions::entry_timeout},
    {"negative_timeout=", &MemFsOptions::negative_timeout},
};

// Applies `word` if it is one of kWords. Returns false on a bad value.
bool ApplyWord(const std::string& word, MemFsOptions* options, bool* taken, std::string* error) {
  *taken = false;
  for (const Word& w : kWords) {
    const std::string prefix = w.prefix;
    if (word.compare(0, prefix.size(), prefix) != 0) continue;
    *taken = true;
    const std::string value = word.substr(prefix.size());
    char* end = nullptr;
    const double seconds = value.empty() ? -1 : std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !std::isfinite(seconds) || seconds < 0) {
      *error = "bad value in -o " + word + " (want seconds >= 0)";
      return false;
    }
    options->*w.field = seconds;
  }
  return true;
}

// The words of one -o value that are not memfs's, joined again by commas.
bool Filter(const std::string& value, MemFsOptions* options, std::string* kept,
            std::string* error) {
  kept->clear();
  size_t start = 0;
  while (start <= value.size()) {
    const size_t end = std::min(value.find(',', start), value.size());
    const std::string word = value.substr(start, end - start);
    bool taken = false;
    if (!ApplyWord(word, options, &taken, error)) return false;
    if (!taken && !word.empty()) *kept += (kept->empty() ? "" : ",") + word;
    start = end + 1;
  }
  return true;
}

}  // namespace

bool TakeMemFsOptions(std::vector<std::string>* args, MemFsOptions* options, std::string* error) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args->size(); ++i) {
    const std::string& arg = (*args)[i];
    const bool separate = arg == "-o" && i + 1 < args->size();
    const bool joined = arg.size() > 2 && arg.compare(0, 2, "-o") == 0;
    if (!separate && !joined) {
      out.push_back(arg);
      continue;
    }
    std::string kept;
    if (!Filter(separate ? (*args)[i + 1] : arg.substr(2), options, &kept, error)) return false;
    if (separate) ++i;
    if (!kept.empty()) {
      out.push_back("-o");
      out.push_back(kept);
    }
  }
  *args = std::move(out);
  return true;
}

}  // namespace rpuffs::memfs
