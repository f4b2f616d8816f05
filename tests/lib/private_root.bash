# A throwaway root for tests that must run programs on the real paths
# (/boot, /etc/kernel, /var/lib/dpkg...) as kernel packages do. The test runs
# again, chrooted, in a private mount namespace whose / is a fresh ext4 image
# on a loop device (so grubby and grub-probe find a real root device with a
# UUID) holding copy-on-write overlays of this machine's /etc, /var and /usr,
# an empty /boot, the host's /boot read-only at /host-boot, and the worktree
# at its own path. Every write lands in a
# tmpfs that vanishes with the namespace: the host's own /boot, /etc and dpkg
# database are never touched.
#
#   . tests/lib/tap.sh; . tests/lib/private_root.bash
#   private_root_needs run-parts:debianutils   # optional: what the test runs
#   private_root_enter "$0" "$@"   # returns inside the root (or skips and exits)

# private_root_needs TOOL:PACKAGE...: skips the test (and exits) unless our
# grubby and new-kernel-pkg are built and every TOOL is on PATH.
private_root_needs() {
  if [ ! -x "$BIN/new-kernel-pkg" ] || [ ! -x "$BIN/grubby" ]; then
    skip "new-kernel-pkg and grubby not built"; done_testing; exit 0
  fi
  local t
  for t; do
    command -v "${t%%:*}" >/dev/null || { skip "${t%%:*} not installed (${t#*:})"; done_testing; exit 0; }
  done
}

private_root_enter() {
  local self
  self="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
  shift
  case ${BC_PRIVATE_ROOT:-} in
  inside)
    # never run on the host's own paths: / must be the loop image
    case $(findmnt -n -o SOURCE /) in
    /dev/loop*) ;;
    *) echo "Bail out! private root: / is not the throwaway image"; exit 1 ;;
    esac
    cd "$BC_PRIVATE_CWD" && PRIVATE_TMP=$(mktemp -d /tmp/test-XXXXXX) && return 0 ;;
  ?*) _private_root_build "$self" "$@"; exit ;;
  esac
  local why=
  [ "$(id -u)" = 0 ] || why="needs root for a private mount namespace"
  [ -n "$why" ] || command -v unshare >/dev/null || why="unshare not installed"
  [ -n "$why" ] || command -v mkfs.ext4 >/dev/null || why="mkfs.ext4 not installed"
  [ -n "$why" ] || grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
    why="no overlay file system"
  [ -n "$why" ] || unshare -m --propagation private true 2>/dev/null || why="cannot make a mount namespace here"
  if [ -n "$why" ]; then skip "$why"; done_testing; exit 0; fi
  local dir rc
  dir=$(mktemp -d /tmp/bc-private-XXXXXX)
  BC_PRIVATE_ROOT=$dir BC_PRIVATE_CWD=$PWD unshare -m --propagation private bash "$self" "$@"
  rc=$?
  rm -rf "$dir"
  exit "$rc"
}

# In the new namespace: build the root, then run the test again inside it.
_private_root_build() {
  local self=$1 T=$BC_PRIVATE_ROOT R d top
  shift
  top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  [ "$top" != / ] && [ -f "$top/tests/lib/private_root.bash" ] || { echo "Bail out! private root: no worktree"; exit 1; }
  bail() { echo "Bail out! private root: $*"; exit 1; }
  mount -t tmpfs -o size=3g,mode=0700 bc-private "$T" || bail "cannot mount a tmpfs on $T"
  truncate -s 512M "$T/root.img" && mkfs.ext4 -q -F "$T/root.img" || bail "mkfs.ext4 failed"
  R=$T/root
  mkdir "$R" && mount -o loop "$T/root.img" "$R" || bail "cannot mount the root image"
  for d in etc var usr; do
    mkdir -p "$T/$d.up" "$T/$d.work" "$R/$d"
    mount -t overlay "bc-$d" -o "lowerdir=/$d,upperdir=$T/$d.up,workdir=$T/$d.work" "$R/$d" || bail "cannot overlay /$d"
  done
  # top-level links of a merged /usr (bin -> usr/bin, ...), or copies of the real directories
  for d in bin sbin lib lib32 lib64 libx32; do
    if [ -L "/$d" ]; then cp -P "/$d" "$R/$d"; elif [ -d "/$d" ]; then mkdir "$R/$d" && mount --bind "/$d" "$R/$d"; fi
  done
  mkdir -p "$R/boot" "$R/proc" "$R/sys" "$R/dev" "$R/run" "$R/tmp" "$R/root"
  mount -t proc proc "$R/proc" && mount --rbind /dev "$R/dev" && mount --bind /sys "$R/sys" &&
    mount -t tmpfs tmpfs "$R/run" && mount -t tmpfs tmpfs "$R/tmp" ||
    bail "cannot mount /proc, /dev, /sys, /run or /tmp"
  # the worktree's mount point only now: a worktree under /tmp lives in the tmpfs above
  mkdir -p "$R$top" && mount --bind "$top" "$R$top" || bail "cannot bind the worktree at $top"
  chmod 1777 "$R/tmp"
  # the host's kernels and hypervisors, read-only, for tests to copy into /boot
  mkdir "$R/host-boot" && mount --bind /boot "$R/host-boot" && mount -o remount,bind,ro "$R/host-boot" ||
    bail "cannot bind the host's /boot read-only"
  BC_PRIVATE_ROOT=inside chroot "$R" /bin/bash "$self" "$@"
}
