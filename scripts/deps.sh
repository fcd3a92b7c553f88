#!/usr/bin/env bash
# Installs the Debian 12 packages sumscope needs to build, test and run, if
# any is missing. Root runs apt-get directly; anyone else through sudo.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  libpcap-dev libglib2.0-dev libjson-glib-dev libcmocka-dev
  zlib1g-dev libzstd-dev liblz4-dev gzip zstd lz4 iproute2 openssl
  wireshark-dev libwireshark-dev libwiretap-dev tshark
  python3 python3-jsonschema libxml2-utils util-linux
  chromium clang libclang-rt-14-dev valgrind
  man-db groff-base
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps.sh: not root and no sudo: install ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; the default (no) is fine.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
