// client/remote — what a RemoteVolume needs to know before it connects.
//
// Plain values, no gRPC types. ParseTarget() turns the user's
// "HOST:PORT[/VOLUME]" into a target and a volume name; it is pure and
// thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace rpuffs::remote {

struct RemoteOptions {
  std::string target;               // "HOST:PORT", as gRPC takes it
  std::string volume = "default";   // "" is sent as "default" by the server's rule
  std::string token;                // optional shared secret (rpuffsd --token)
  std::string client_name;          // for the server's logs; host name if empty
  // A call that cannot complete within `grace` (server down, restarting,
  // unreachable) fails with EIO. Until then it waits and retries.
  std::chrono::milliseconds grace{60000};
  // Deadline of the Hello that opens the first session (fail fast, no wait).
  std::chrono::milliseconds connect_timeout{10000};
  // Used when the server announces no lease (lease_ms == 0).
  std::chrono::milliseconds default_lease{60000};
};

struct Target {
  std::string host_port;  // "HOST:PORT"
  std::string volume;     // "default" when the spec names none
};

// Parses "HOST:PORT[/VOLUME]". Returns false (and a one-line reason in
// *why) when the host or port is missing, the port is not 1..65535, or the
// volume name is empty or contains '/'. "[v6addr]:PORT" is accepted.
bool ParseTarget(const std::string& spec, Target* out, std::string* why);

}  // namespace rpuffs::remote
