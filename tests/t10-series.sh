#!/usr/bin/env bash
# The series: patches/ applies to the pristine base, an unchanged tree
# re-exports byte for byte, and the tooling notices a patch that does not
# apply and a tree that holds work patches/ lacks.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

export KHO_TREE=$KHO_WORK/check/linux
TREE=$KHO_TREE
tree_sh() { "$REPO/scripts/tree.sh" --dest "$KHO_TREE" "$@"; }
export_sh() { "$REPO/scripts/export.sh" "$@"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npatches=$(grep -cv '^\(#\|$\)' "$REPO/patches/series" || true)

# A patch whose context is not in the base must stop the tree, named (a
# series of that patch alone: the real ones are applied next).
mkdir -p "$tmp/bad"
cat >"$tmp/bad/9999-broken.patch" <<'PATCH'
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: Test <test@localhost>
Date: Sat, 1 Jan 2000 00:00:00 +0000
Subject: [PATCH] broken: context that is not in the base

---
 Makefile | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/Makefile b/Makefile
--- a/Makefile
+++ b/Makefile
@@ -1,3 +1,3 @@
 # SPDX-License-Identifier: GPL-2.0
-VERSION = 5
+VERSION = 7
 PATCHLEVEL = 12
PATCH
echo 9999-broken.patch >"$tmp/bad/series"
if out=$(tree_sh --force --patches "$tmp/bad" 2>&1); then
	not_ok "a patch that does not apply stops the tree" "tree.sh succeeded"
elif ! grep -q "patch 9999-broken.patch does not apply" <<<"$out"; then
	not_ok "a patch that does not apply stops the tree" "message does not name it:" "$out"
else
	ok "a patch that does not apply stops the tree, named: $(grep "patch 9999" <<<"$out")"
fi

if out=$(tree_sh --force 2>&1); then
	ok "patches/series ($npatches patches) applies to the pristine $BASE_PKG $BASE_VERSION"
else
	not_ok "patches/series applies to the pristine base" "$out"
	exit 1
fi

export_sh --patches "$tmp/out" >/dev/null 2>&1 || true
mkdir -p "$tmp/ref"
cp "$REPO/patches/series" "$tmp/ref/"
find "$REPO/patches" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-*' \
	-exec cp {} "$tmp/ref/" \;
check "an unchanged tree re-exports to patches/ byte for byte" \
	"$(diff -r "$tmp/ref" "$tmp/out" 2>&1 | head -n 20)"

check "export-check passes on the unchanged tree" "$(export_sh --check 2>&1)"

echo "# test" >>"$KHO_TREE/README"
out=$(export_sh --check 2>&1)
check "export-check notices an uncommitted change in the tree" \
	"$(grep -q 'not committed' <<<"$out" || echo "it said: $out")"
tree_git commit -qam "test: a commit patches/ lacks"
out=$(export_sh --check 2>&1)
check "export-check notices a commit that patches/ lacks" \
	"$(grep -q 'differ' <<<"$out" || echo "it said: $out")"
# Round trip with a real patch in it: export, re-apply, export again.
export_sh --patches "$tmp/rt1" >/dev/null 2>&1
tree_sh --force --patches "$tmp/rt1" >/dev/null 2>&1
export_sh --patches "$tmp/rt2" >/dev/null 2>&1
check "a series with a new commit survives apply and export byte for byte" \
	"$(diff -r "$tmp/rt1" "$tmp/rt2" 2>&1 | head -n 20)$(grep -q 'a commit patches/ lacks' "$tmp"/rt2/*.patch 2>/dev/null || echo 'the commit is missing from the export')"
if out=$(tree_sh 2>&1); then
	not_ok "make tree refuses to discard unexported work" "it discarded it"
else
	ok "make tree refuses to discard unexported work"
fi
tree_sh --force >/dev/null 2>&1
check "the tree is back to patches/" "$(export_sh --check 2>&1)"

# A pin the registry no longer has fails with the list of what it has.
out=$(KHO_CACHE=$tmp/cache KHO_BASE_VERSION=6.12.0-0kho-gone "$REPO/scripts/fetch-base.sh" 2>&1)
rc=$?
check "a vanished base pin fails, listing the versions the registry has" \
	"$([ $rc -ne 0 ] && grep -q 'no longer in the trixie registry' <<<"$out" &&
		grep -q "$BASE_PKG | " <<<"$out" || echo "rc=$rc: $out")"
