#!/usr/bin/env bash
# The kernel tree (patches/ applied) builds with config/kho.config, and the
# config check catches a fragment option that does not survive olddefconfig.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

# The check tree belongs to make check: it follows patches/ (--force), so a
# change to the series is what gets tested, never an older tree.
if ! out=$("$REPO/scripts/tree.sh" --force 2>&1); then
	not_ok "patches/ applies to the base" "$out"
	exit 1
fi
# Meanwhile the mainline peers' sources are fetched and unpacked for the
# interop tests (which wait for them on fetch-base.sh's lock): mostly
# download and xz time, hidden behind the build. Nothing of it is left
# on this script's output, so the suite does not wait for it here.
(for p in $PEERS; do
	"$REPO/scripts/fetch-base.sh" --peer "$p" || echo "prefetch of $p failed"
done) >"$TLOGS/peer-prefetch.log" 2>&1 </dev/null &
if out=$("$REPO/scripts/build-kernel.sh" 2>&1 >"$TLOGS/build.log"); then
	ok "kernel $(cat "$BUILD/include/config/kernel.release") builds ($BZIMAGE)"
else
	not_ok "kernel builds" "$(tail -n 30 <<<"$out")"
	exit 1
fi

frag=$TLOGS/bogus.config
printf 'CONFIG_KEXEC_FILE=y\nCONFIG_KHO_NO_SUCH_OPTION=y\n' >"$frag"
out=$("$REPO/scripts/build-kernel.sh" --check-config "$BUILD/.config" "$frag" 2>&1)
rc=$?
if [ $rc -ne 0 ] && grep -q "CONFIG_KHO_NO_SUCH_OPTION=y' did not survive" <<<"$out"; then
	ok "the config check names an option that did not survive olddefconfig"
else
	not_ok "the config check names an option that did not survive olddefconfig" \
		"rc=$rc: $out"
fi
