#!/usr/bin/env bash
# Make the fuzzer's seed corpus from real handovers: boot the kernel you
# built (make build) in QEMU, preserve with test_kho in a few ways, finalize,
# and turn what the next kernel would read (kho/out/pages, the scratch
# areas, the RAM) into machine images with tools/testing/kho/mkimage.py.
# Also writes the harness's own synthetic handover. Images go to
# fuzz/corpus/ (in the repo, so that the fuzzer and make check use them).
# Takes: [OUT_DIR], or --case NAME TEST_KHO_ARGS OUT.img for one image
# (it prints that guest's kho/out/stats; tests/t45-pages.sh uses it).
set -euo pipefail
. "$(dirname "$0")/common.sh"

bz=$BUILD/arch/x86/boot/bzImage
[ -f "$bz" ] && [ -f "$BUILD/lib/test_kho.ko" ] || die "build the kernel first (make build)"
work=$LOGS/corpus
mkdir -p "$work"

# image NAME ARGS OUT: boot, dump, convert; prints the guest's out/stats.
image() {
	local name=$1 args=$2 img=$3 log=$work/$1.log f
	"$REPO/scripts/mkinitramfs.sh" "$work/$name.cpio" "$bz" \
		"$REPO/tests/scenarios/dump" "$BUILD/lib/test_kho.ko"
	"$REPO/scripts/qemu-run.sh" --kernel "$bz" --initrd "$work/$name.cpio" \
		--log "$log" --mem 1024 --timeout 120 --append "kho=on dump_args=$args" >/dev/null
	for f in pages scratch_phys scratch_len iomem stats; do
		awk -v f="$f" '
			$0 ~ "HARNESS: dump-begin " f "\r?$" { on = 1; next }
			$0 ~ "HARNESS: dump-end " f "\r?$" { on = 0 }
			on && sub(/^B64: /, "") { sub(/\r$/, ""); print }' "$log" |
			base64 -d >"$work/$name.$f" && [ -s "$work/$name.$f" ] ||
			die "$name: no $f in $log"
	done
	python3 "$TREE/tools/testing/kho/mkimage.py" --pages "$work/$name.pages" \
		--scratch-phys "$work/$name.scratch_phys" \
		--scratch-len "$work/$name.scratch_len" --iomem "$work/$name.iomem" "$img"
	cat "$work/$name.stats"
}

if [ "${1:-}" = --case ]; then
	[ $# -eq 4 ] || die "usage: mkcorpus.sh --case NAME TEST_KHO_ARGS OUT.img"
	image "$2" "$3" "$4"
	exit 0
fi

out=${1:-$REPO/fuzz/corpus}
mkdir -p "$out"
# name: test_kho arguments (comma-separated)
cases=(
	"folios:folios_mb=16,vmalloc_kb=256,blob_kb=8"
	"per-order:per_order=8,max_order=10,folios_mb=0"
	"scattered:scattered=3000,folios_mb=4"
)
for c in "${cases[@]}"; do
	name=${c%%:*} args=${c#*:}
	image "$name" "$args" "$out/real-$name.img" >/dev/null
	info "$out/real-$name.img ($(stat -c %s "$out/real-$name.img") bytes)"
done
make -s -C "$TREE/tools/testing/kho" kho_in_test >/dev/null
"$TREE/tools/testing/kho/kho_in_test" --write-seed "$out/synthetic.img"
info "$out/synthetic.img"
