# KHO for Linux 6.12 LTS: the one entry point. 'make help' lists the targets.
SHELL := /bin/bash
S := scripts

.PHONY: help deps fetch tree export export-check rebase build shell check-series check check-debug test demo demo-lu bench bench-lu fuzz corpus clean

help: ## list the targets and what each does
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
		awk -F':.*## ' '{ printf "  make %-13s %s\n", $$1, $$2 }'
	@echo "  Variables: T='word ...' picks tests (check, test); FORCE=1 (tree);"
	@echo "  RANGE='FIRST LAST' picks patches (check-series); WL='W1 W2' picks"
	@echo "  workloads, OUT=DIR the output, OWN=1 your own tree (bench);"
	@echo "  BASE=<version>|newest, CONTINUE=1, FORCE=1 (rebase)."

deps: ## install the Debian packages everything needs (only the missing ones)
	@$(S)/deps.sh

fetch: deps ## download the pinned base kernel and commit it as the 'base' repo
	@$(S)/fetch-base.sh

tree: deps ## materialise the kernel git tree: base + patches/series (git am)
	@$(S)/tree.sh $(if $(FORCE),--force)

export: ## write the tree's commits back to patches/ (deterministic)
	@$(S)/export.sh

export-check: ## fail, saying what, if the tree holds work patches/ lacks
	@$(S)/export.sh --check

rebase: deps ## move the base pin to another 6.12 (BASE=<version>|newest): apply patches/, re-pin
	@$(S)/rebase.sh $(if $(CONTINUE),--continue) $(if $(FORCE),--force) $(BASE)

build: tree ## build your kernel tree (config/kho.config, ccache, out of tree)
	@$(S)/build-kernel.sh

shell: build ## boot your build in QEMU with a shell on this terminal
	@. $(S)/common.sh && $(S)/mkinitramfs.sh $$LOGS/shell.cpio \
		$$BUILD/arch/x86/boot/bzImage guest/shell && \
		$(S)/qemu-run.sh --kernel $$BUILD/arch/x86/boot/bzImage \
		--initrd $$LOGS/shell.cpio --log - --mem 1024

check-series: ## build every patch alone, KHO on and off, and check W=1 (slow)
	@$(S)/check-series.sh $(RANGE)

check: ## THE TEST COMMAND: fetch, apply patches/, build, run every test (TAP)
	@$(S)/check.sh $(T)

check-debug: ## the KHO selftest on a KASAN/kmemleak/lockdep/DEBUG_VM build (slow)
	@$(S)/check-debug.sh

test: deps ## run tests (T=...) against your own tree and build, not patches/
	@tests/run.sh $(T)

demo: deps ## THE DEMO: fetch, apply, build, boot and kexec in QEMU, report
	@$(S)/demo.sh

demo-lu: deps ## live update demo: a service's 1 GiB table in memfds across kexec (MIB=n, OWN=1)
	@$(S)/demo-lu.sh $(if $(OWN),--own) $(MIB)

bench: deps ## early-boot cost per workload (W0-W3): table, CSV, PNG; not a test
	@$(S)/bench.sh $(if $(OWN),--own) $(if $(OUT),--out $(OUT)) $(WL)

bench-lu: deps ## live update workloads W4-W6, ours against mainline 7.2: table, CSV; not a test
	@$(S)/bench-lu.sh $(if $(OWN),--own) $(if $(OUT),--out $(OUT)) $(WL)

fuzz: tree ## fuzz the incoming checks in userspace (FUZZ_TIME=s, default 60; or FUZZ_RUNS=n)
	@$(S)/fuzz.sh --time $(or $(FUZZ_TIME),$(if $(FUZZ_RUNS),0,60)) $(if $(FUZZ_RUNS),--runs $(FUZZ_RUNS))

corpus: build ## remake fuzz/corpus/ from real handovers in QEMU
	@$(S)/mkcorpus.sh

clean: ## remove this checkout's work directory (tree, builds, logs)
	@. $(S)/common.sh && echo "removing $$KHO_WORK" && rm -rf "$$KHO_WORK"
