#!/usr/bin/env bash
# kho/out/pages end to end: a guest preserves with test_kho, finalizes and
# dumps what the next kernel would read first (kho/out/pages, the scratch
# list, the RAM); tools/testing/kho/mkimage.py makes a machine image of it
# (scripts/mkcorpus.sh --case), and the incoming checks, run in userspace
# on that image, must accept it with exactly as many blocks as the guest's
# kho/out/stats says it preserves. Before the finalize the file must refuse
# to open.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

img=$TLOGS/t45-pages.img
rm -f "$img"
out=$("$REPO/scripts/mkcorpus.sh" --case t45-pages \
	folios_mb=8,vmalloc_kb=128,blob_kb=4,scattered=500 "$img" 2>&1)
rc=$?
LOG=$LOGS/corpus/t45-pages.log
check "a finalized guest's kho/out/pages, scratch list and RAM make a machine image" \
	"$([ $rc -eq 0 ] && [ -s "$img" ] || tail -5 <<<"$out")"
check "kho/out/pages refuses to open before the finalize" \
	"$(grep -aq 'HARNESS: dump-pages-before-finalize refused' "$LOG" ||
		grep -a 'dump-pages-before' "$LOG" || echo "no such line in $LOG")"

blocks=$(sed -n 's/^preserved_blocks //p' <<<"$out")
dir=$TREE/tools/testing/kho
if ! make -C "$dir" -s kho_in_test >"$TLOGS/t45-build.log" 2>&1; then
	not_ok "the image is accepted with all its blocks" "$(tail -5 "$TLOGS/t45-build.log")"
	exit 0
fi
res=$("$dir/kho_in_test" "$img" 2>&1 | grep "image $img")
check "the userspace checks accept it with all ${blocks:-?} blocks the guest preserved" \
	"$(grep -q "image $img: accepted, ${blocks:-x} blocks" <<<"$res" ||
		echo "guest: preserved_blocks ${blocks:-none}; harness: ${res:-nothing}")"
make -C "$dir" -s clean >/dev/null 2>&1
