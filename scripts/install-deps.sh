#!/usr/bin/env bash
# Installs every package rpuffs needs to build, test and run, from Debian 12's archive.
set -euo pipefail
PKGS=(cmake ninja-build pkg-config g++ make
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
      libboost-context-dev librocksdb-dev
      libgtest-dev libgmock-dev libbenchmark-dev
      libfuse3-dev fuse3 libcli11-dev libspdlog-dev
      psmisc procps util-linux iproute2 gnuplot-nox jq)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
