#include "client/remote/options.h"

#include <cstdlib>

namespace rpuffs::remote {

bool ParseTarget(const std::string& spec, Target* out, std::string* why) {
  std::string host_port = spec;
  std::string volume = "default";
  // The volume follows the first '/' after the port (an IPv6 literal is
  // bracketed, so it holds no '/').
  size_t slash = spec.find('/');
  if (slash != std::string::npos) {
    host_port = spec.substr(0, slash);
    volume = spec.substr(slash + 1);
    if (volume.empty() || volume.find('/') != std::string::npos) {
      *why = "bad volume name in '" + spec + "' (expected HOST:PORT/VOLUME)";
      return false;
    }
  }
  size_t colon = host_port.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == host_port.size()) {
    *why = "bad server address '" + spec + "' (expected HOST:PORT[/VOLUME])";
    return false;
  }
  std::string port = host_port.substr(colon + 1);
  char* end = nullptr;
  long value = std::strtol(port.c_str(), &end, 10);
  if (*end != '\0' || value < 1 || value > 65535) {
    *why = "bad port '" + port + "' in '" + spec + "'";
    return false;
  }
  out->host_port = host_port;
  out->volume = volume;
  return true;
}

}  // namespace rpuffs::remote
