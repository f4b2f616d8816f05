#!/usr/bin/env bash
# The one dependency step: install only the Debian packages that are missing.
# Quiet when nothing is missing; runs `apt-get update` once before installing.
# Usage: mk/deps.sh [GROUP...]   groups: build boot vectors fuzz package (default: build boot vectors)
set -euo pipefail

declare -A GROUP=(
  [build]="gcc make fakeroot pkg-config libpopt-dev libblkid-dev zlib1g-dev liblzma-dev libzstd-dev liblz4-dev libbz2-dev liblzo2-dev libcmocka-dev"
  [boot]="qemu-system-x86 ovmf grub-pc-bin grub-efi-amd64-bin grub-common e2fsprogs xorriso mtools busybox-static cpio dracut-core xen-hypervisor-4.17-amd64 xen-utils-4.17 grub-xen-host systemd-boot-efi linux-image-amd64 linux-image-cloud-amd64 libxml2-utils python3-yaml"
  [vectors]="xz-utils lz4 zstd bzip2 lzop gzip"
  [fuzz]="clang libclang-rt-14-dev"
  [package]="rpm dpkg-dev debhelper fakeroot lintian"
)

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(build boot vectors)

missing=()
for g in "${groups[@]}"; do
  [ -n "${GROUP[$g]+x}" ] || { echo "deps: unknown group '$g' (known: ${!GROUP[*]})" >&2; exit 2; }
  for p in ${GROUP[$g]}; do
    # a package counts as present only when dpkg says it is fully installed
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$st" = installed ] || missing+=("$p")
  done
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "deps: missing Debian packages: ${missing[*]}" >&2
  echo "deps: install them as root with: apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "deps: could not install: ${missing[*]} (see above; is the network reachable?)" >&2
  rm -f "$log"; exit 1
fi
rm -f "$log"
