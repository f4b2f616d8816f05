#!/usr/bin/env bash
# The bash completions the packages install, loaded as bash-completion loads
# them: each completes its options, modes and values; and new-kernel-pkg's
# --version and --usage.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/tap.sh"

# complete FUNC WORD...: COMPREPLY, one line, for the command line WORD... (last word being completed)
complete_words() {
  local fn=$1; shift
  COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
  "$fn"
  echo "${COMPREPLY[*]-}"
}
T=$(mktemp -d /tmp/completion-XXXXXX)
trap 'rm -rf "$T"' EXIT

. "$top/grubby/new-kernel-pkg/new-kernel-pkg.bash-completion"
check_eq "new-kernel-pkg: registered" "complete -F _new_kernel_pkg new-kernel-pkg" "$(complete -p new-kernel-pkg)"
check_eq "new-kernel-pkg: modes and options" "--remove --rpmposttrans --rminitrd --rmmoddep --remove-args= --root=" "$(complete_words _new_kernel_pkg new-kernel-pkg --r)"
check_eq "new-kernel-pkg: --version and --usage" "--usage" "$(complete_words _new_kernel_pkg new-kernel-pkg --us)"
got=$(complete_words _new_kernel_pkg new-kernel-pkg --remove '')
want=$(for k in /boot/vmlinuz-* /lib/modules/*; do [ -e "$k" ] && k=${k##*/} && echo "${k#vmlinuz-}"; done | sort -u | tr '\n' ' ')
check_eq "new-kernel-pkg --remove: the installed kernel versions" "${want% }" "$(tr ' ' '\n' <<<"$got" | sort -u | tr '\n' ' ' | sed 's/ $//')"
touch "$T/initrd.img"
check_eq "new-kernel-pkg --initrdfile=: files" "--initrdfile=$T/initrd.img" "$(complete_words _new_kernel_pkg new-kernel-pkg "--initrdfile=$T/ini")"

. "$top/bootchain/bootchain.bash-completion"
check_eq "bootchain: registered" "complete -F _bootchain bootchain" "$(complete -p bootchain)"
check_eq "bootchain: commands" "inspect initramfs" "$(complete_words _bootchain bootchain i)"
check_eq "bootchain matrix: its options" "--hypervisor --help" "$(complete_words _bootchain bootchain matrix --h)"
check_eq "bootchain matrix --hypervisor: the kinds" "xen-pv xen-pvh" "$(complete_words _bootchain bootchain matrix --hypervisor xen)"
check_eq "bootchain matrix --firmware: bios or uefi" "uefi" "$(complete_words _bootchain bootchain matrix --firmware u)"
check_eq "bootchain inspect: its options" "--json" "$(complete_words _bootchain bootchain inspect --j)"
check_eq "bootchain inspect KERNEL: files" "$T/initrd.img" "$(complete_words _bootchain bootchain inspect "$T/i")"

# the informational options completion offers
check_eq "new-kernel-pkg --version" "new-kernel-pkg (bootchain) $(sed -n 's/^#define BOOTCHAIN_VERSION "\(.*\)"/\1/p' "$top/bootchain/bootchain.h")" \
  "$("$BIN/new-kernel-pkg" --version 2>&1)"
out=$("$BIN/new-kernel-pkg" --usage 2>/dev/null)
check_eq "new-kernel-pkg --usage: exit 0, usage on stdout" "0 Usage: new-kernel-pkg" "$? $(head -c 21 <<<"$out")"

# every option the programs accept is offered (their --help is the reference)
for o in $("$BIN/bootchain" matrix --help 2>&1 | grep -o -- '--[a-z-]*' | sort -u); do
  grep -q -- "$o" "$top/bootchain/bootchain.bash-completion" || { fail "bootchain matrix $o is completed"; continue; }
done
ok "every bootchain matrix option in its --help is completed"
for o in $("$BIN/new-kernel-pkg" --usage 2>&1 | grep -o -- '--[a-z-]*' | sort -u); do
  grep -q -- "$o" "$top/grubby/new-kernel-pkg/new-kernel-pkg.bash-completion" || fail "new-kernel-pkg $o is completed"
done
ok "every new-kernel-pkg option in its usage is completed"
done_testing
