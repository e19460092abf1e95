# shellcheck shell=bash
# Common settings for every script: where the cache and the per-checkout work
# directory live, the pinned base kernel, and small helpers. Sourced, not run.

# shellcheck disable=SC2034  # the variables here are used by the scripts that source this
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The pinned base: Debian trixie's linux-source-6.12. Re-pin with
# 'make rebase BASE=<version>' (scripts/rebase.sh: applies the series to it,
# then rewrites the two lines below; scripts/fetch-base.sh --registry gives
# the newest version the registry has and its sha256); the
# KHO_BASE_VERSION and KHO_BASE_SHA256 environment variables override them.
BASE_PKG=linux-source-6.12
BASE_VERSION=${KHO_BASE_VERSION:-6.12.118-1}
BASE_SHA256=${KHO_BASE_SHA256:-b75bb2e78a5c7762254e2af7685085c788a67eb342cb4092ad2a05eaf9fc33b7}

# The mainline peers for interoperability tests: mainline kernels with KHO,
# as Debian ships their source. PEERS names them; peer_pin NAME sets
# PEER_PKG, PEER_VERSION, PEER_SHA256 and PEER_SUITE (where apt finds it)
# for one. Re-pin by changing its line (scripts/fetch-base.sh --peer NAME
# prints what the registry offers); KHO_PEER_<NAME>_VERSION and
# KHO_PEER_<NAME>_SHA256 (NAME with _ for ., e.g. KHO_PEER_7_2_VERSION)
# override them.
PEERS="7.2 7.3"
peer_pin() {
	local v s
	case $1 in
	7.2) set -- "$1" sid 7.2.13-1 30a8c5fc63f9028a62e6d7b3f7f43bee67425dbce2a05fceba83f9b87c92083d ;;
	7.3) set -- "$1" trixie-backports '7.3.4-1~bpo13+1' 703e369ddd4cce971452f5a593ee55df3a5c10c83caf0fa0df039633ed181ee3 ;;
	*) die "unknown mainline peer '$1' (known: $PEERS)" ;;
	esac
	v=KHO_PEER_${1//./_}_VERSION s=KHO_PEER_${1//./_}_SHA256
	PEER_PKG=linux-source-$1
	PEER_SUITE=$2
	PEER_VERSION=${!v:-$3}
	PEER_SHA256=${!s:-$4}
}

# Shared cache (download, pristine base repo, ccache): survives checkouts.
KHO_CACHE=${KHO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kho612}
# Per-checkout work directory (kernel tree, build output, initramfs, logs),
# keyed by the checkout's path so two clones never share a tree.
KHO_WORK=${KHO_WORK:-$KHO_CACHE/work/$(basename "$REPO")-$(printf '%s' "$REPO" | sha1sum | cut -c1-8)}

BASE_DIR=$KHO_CACHE/base/$BASE_VERSION
BASE_GIT=$BASE_DIR/linux.git
TREE=${KHO_TREE:-$KHO_WORK/linux}
BUILD=${KHO_BUILD:-$KHO_WORK/build}
LOGS=$KHO_WORK/logs

export CCACHE_DIR=${CCACHE_DIR:-$KHO_CACHE/ccache}
export CCACHE_BASEDIR=$KHO_WORK
export CCACHE_NOHASHDIR=1
# Depend mode: on a miss ccache takes the include list from the compiler's
# own -MMD output instead of running the preprocessor first. Kernel headers
# make preprocessing a third of each compile, so a cold build (CI, a fresh
# machine, each new peer) was ~50% slower through ccache than without it.
export CCACHE_DEPEND=${CCACHE_DEPEND:-1}

# Fixed identity and dates so that every commit we make, and every export, is
# the same on every machine.
export GIT_AUTHOR_NAME=${GIT_AUTHOR_NAME:-KHO series}
export GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL:-kho@localhost}
export GIT_COMMITTER_NAME="KHO tree"
export GIT_COMMITTER_EMAIL=kho@localhost

die() { printf 'error: %s\n' "$*" >&2; exit 1; }
info() { printf '==> %s\n' "$*" >&2; }
warn() { printf "warning: %s\n" "$*" >&2; }

# log_generation LOG N: the part of serial log LOG that generation N's
# kernel printed (each kernel starts with "Linux version"). Always
# succeeds, so that "log_generation L N | grep -q X" holds under pipefail
# even when grep leaves before awk has written everything.
log_generation() {
	awk -v n="$2" '/Linux version [0-9]/ { g++ } g == n' "$1" 2>/dev/null || true
}

# qemu_stamped STAMPS REGEX LOG QEMU-RUN-ARGS...: scripts/qemu-run.sh
# --log LOG QEMU-RUN-ARGS, and every serial line that matches REGEX written
# to STAMPS as it arrives, after the host's clock in ns: what the guest's
# own clocks cannot time, such as a kexec's blackout. Lines are read from
# the log every 10 ms. Returns qemu-run.sh's exit code.
qemu_stamped() {
	local stamps=$1 re=$2 log=$3 line qemu rc=0
	shift 3
	# The same file from the start: followed by descriptor, so that
	# qemu-run.sh's final rewrite of the log (sed -i) is not read again.
	rm -f "$log"
	: >"$log"
	: >"$stamps"
	"$REPO/scripts/qemu-run.sh" --log "$log" "$@" &
	qemu=$!
	tail --pid=$qemu -s 0.01 -n +1 -f "$log" 2>/dev/null | while IFS= read -r line; do
		[[ $line =~ $re ]] && echo "$(date +%s%N) ${line%$'\r'}" >>"$stamps"
	done &
	wait $qemu || rc=$?
	wait $! || true
	return $rc
}

# build_lu_prog SOURCE OUTPUT: a live update program (luo_test, the demo's
# service, the benchmark's), static, with -Werror, against $TREE's uAPI
# header as userspace gets it (besides it only <linux/ioctl.h> and
# <linux/types.h>, from the C library's kernel headers). On failure prints
# the compiler's output and returns non-zero.
build_lu_prog() {
	local inc
	inc=$(mktemp -d)
	mkdir -p "$inc/linux"
	if ! cp "$TREE/include/uapi/linux/liveupdate.h" "$inc/linux/" ||
		! gcc -static -O2 -Wall -Wextra -Werror -I "$inc" -o "$2" "$1" 2>&1; then
		rm -rf "$inc"
		return 1
	fi
	rm -rf "$inc"
}

# git on the generated kernel tree with settings that make output stable.
tree_git() {
	git -C "$TREE" -c core.abbrev=12 -c diff.algorithm=myers \
		-c diff.noprefix=false -c diff.mnemonicPrefix=false \
		-c diff.renames=false -c format.signature= "$@"
}
