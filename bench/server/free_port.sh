# Sourced by bench scripts: free_port prints a TCP port nothing listens on at
# 127.0.0.1 (random in 20000-59999, checked with ss), or exits 1.
free_port() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 40000))
    ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
  echo "$(basename "$0"): no free loopback port" >&2
  exit 1
}
