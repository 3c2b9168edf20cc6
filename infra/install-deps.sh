#!/usr/bin/env bash
# Debian packages the tests and tools need: tzdata (the test oracle reads the system tz database),
# redis-server and postgresql (the store tests start their own servers on free loopback ports).
set -euo pipefail
packages=()
for package in ca-certificates tzdata redis-server postgresql; do
  dpkg -s "$package" >/dev/null 2>&1 || packages+=("$package")
done
if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${packages[@]}"
fi
