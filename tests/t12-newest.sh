#!/usr/bin/env bash
# The series against the newest linux-source-6.12 the registry offers
# (trixie, trixie-updates, trixie-security), fetched and imported like the
# pinned base: patches/series applied with plain git am, as make tree
# would after a re-pin, in a scratch tree of its own
# (scripts/rebase.sh --check: $KHO_WORK/newest). Takes nothing. Prints one
# TAP line: ok when every patch applies (saying when the newest is the
# pin); when one does not, "not ok ... # TODO", a warning that does not
# fail the suite, naming the patch and the way to move (make rebase); not
# ok when the registry cannot be reached or the base cannot be fetched.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

log=$TLOGS/newest.log
if ! out=$("$REPO/scripts/rebase.sh" --check newest 2>"$log"); then
	not_ok "newest 6.12 in the registry: the series checked against it" "$(tail -n 15 "$log")"
	exit 0
fi
sed 's/^/# /' "$log"
read -r result ver patch <<<"$out"
npatches=$(grep -cv '^\(#\|$\)' "$REPO/patches/series" || true)
if [ "$ver" = "$BASE_VERSION" ]; then
	desc="newest 6.12 in the registry, $ver, is the pin"
else
	desc="newest 6.12 in the registry, $ver (pin $BASE_VERSION)"
fi

case $result in
applies)
	ok "$desc: all $npatches patches of the series apply to it" ;;
stops)
	if [ "$ver" = "$BASE_VERSION" ]; then
		not_ok "$desc: the series stops at patch $patch"
	else
		echo "not ok - $desc: the series stops at patch $patch" \
			"# TODO warning: make rebase BASE=$ver"
		echo "# warning: $patch does not apply to $BASE_PKG $ver as it is;" \
			"make rebase BASE=$ver tries a 3-way merge and says how to go on"
	fi ;;
*)
	not_ok "$desc" "scripts/rebase.sh --check said: $out" ;;
esac
