#!/usr/bin/env bash
# Debian packages the tests and tools need: tzdata (the test oracle reads the system tz database),
# redis-server and postgresql (the store tests start their own servers on free loopback ports),
# nodejs and npm (the gateway's build runs npm ci for the chart page; skipped when node and npm are already
# on PATH, e.g. from another install), chromium (the browser tests of the chart page), yamllint and kubectl from
# kubernetes-client (the Kubernetes manifests' test lints and renders them; skipped when a kubectl is on PATH).
set -euo pipefail
packages=()
for package in ca-certificates tzdata redis-server postgresql chromium yamllint; do
  dpkg -s "$package" >/dev/null 2>&1 || packages+=("$package")
done
for tool in node npm kubectl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    case "$tool" in node) package=nodejs ;; npm) package=npm ;; kubectl) package=kubernetes-client ;; esac
    dpkg -s "$package" >/dev/null 2>&1 || packages+=("$package")
  fi
done
if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${packages[@]}"
fi
