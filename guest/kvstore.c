// SPDX-License-Identifier: GPL-2.0
/*
 * kvstore: the service of 'make demo-lu'. It keeps a key-value table in
 * memfds and lives through a kexec with live update (/dev/liveupdate):
 *
 *   kvstore start MIB   create a table of MIB MiB in 4 memfds, fill it,
 *                       preserve the memfds in session "kvstore", reboot
 *                       into the kernel loaded with kexec -s
 *   kvstore resume      in the next kernel: retrieve the session and the
 *                       memfds, answer a lookup from the same memory,
 *                       check every byte of the table, update some keys,
 *                       FINISH
 *
 * A slot is 64 bytes: the key, a version and 48 bytes of value that are a
 * function of key, version and the table's seed, so the next kernel can
 * check each byte without a copy. A fifth memfd holds the table's header.
 * Lines for the host start with "KV: "; the last is "KV: result PASS" or
 * "KV: result FAIL".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/liveupdate.h>
#include <linux/reboot.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lu.h"

#define SESSION		"kvstore"
#define NR_PARTS	4
#define META_TOKEN	100
#define KV_MAGIC	0x6b7673746f726531ULL	/* "kvstore1" */
#define MIB		(1024UL * 1024)

struct slot {
	uint64_t key;
	uint64_t version;
	uint64_t value[6];
};

struct meta {
	uint64_t magic;
	uint64_t seed;
	uint64_t part_bytes;
	uint64_t generation;
	uint64_t updated;	/* keys 0, stride, 2 * stride ... have version 1 */
	uint64_t stride;
};

static int failed;

static void fail(const char *what)
{
	say("KV: error: %s: %s", what, strerror(errno));
	failed = 1;
}

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static void fill_slot(struct slot *s, uint64_t key, uint64_t version, uint64_t seed)
{
	uint64_t v = mix(key ^ seed ^ (version << 56));
	int i;

	s->key = key;
	s->version = version;
	for (i = 0; i < 6; i++) {
		s->value[i] = v;
		v = mix(v);
	}
}

static int slot_ok(const struct slot *s, uint64_t key, uint64_t version, uint64_t seed)
{
	struct slot want;

	fill_slot(&want, key, version, seed);
	return !memcmp(s, &want, sizeof(want));
}

static int lu_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

static void *map(int fd, size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

static uint64_t version_of(const struct meta *m, uint64_t key)
{
	return key % m->stride == 0 && key / m->stride < m->updated;
}

static int start(unsigned long mib)
{
	struct liveupdate_ioctl_create_session cs = { .size = sizeof(cs) };
	struct liveupdate_session_preserve_fd pf = { .size = sizeof(pf) };
	uint64_t t0, t_fill, t_pres, i, per;
	struct slot *parts[NR_PARTS];
	int lu, fds[NR_PARTS + 1], p;
	struct meta *m;

	if (mib < NR_PARTS || mib % NR_PARTS) {
		say("KV: error: the table's size must be a multiple of %d MiB", NR_PARTS);
		return 1;
	}
	lu = open("/dev/liveupdate", O_RDWR);
	if (lu < 0) {
		fail("open /dev/liveupdate");
		return 1;
	}
	fds[NR_PARTS] = memfd_create("kvstore-meta", 0);
	if (fds[NR_PARTS] < 0 || ftruncate(fds[NR_PARTS], 4096) ||
	    !(m = map(fds[NR_PARTS], 4096))) {
		fail("meta memfd");
		return 1;
	}
	m->magic = KV_MAGIC;
	m->seed = mix(now_us() ^ getpid());
	m->part_bytes = mib / NR_PARTS * MIB;
	m->generation = 1;
	m->stride = 1009;
	per = m->part_bytes / sizeof(struct slot);

	t0 = now_us();
	for (p = 0; p < NR_PARTS; p++) {
		fds[p] = memfd_create("kvstore-table", 0);
		if (fds[p] < 0 || ftruncate(fds[p], m->part_bytes) ||
		    !(parts[p] = map(fds[p], m->part_bytes))) {
			fail("table memfd");
			return 1;
		}
		for (i = 0; i < per; i++)
			fill_slot(&parts[p][i], p * per + i, 0, m->seed);
	}
	t_fill = now_us() - t0;

	strcpy((char *)cs.name, SESSION);
	if (lu_ioctl(lu, LIVEUPDATE_IOCTL_CREATE_SESSION, &cs)) {
		fail("CREATE_SESSION");
		return 1;
	}
	t0 = now_us();
	for (p = 0; p <= NR_PARTS; p++) {
		pf.fd = fds[p];
		pf.token = p == NR_PARTS ? META_TOKEN : p;
		if (lu_ioctl(cs.fd, LIVEUPDATE_SESSION_PRESERVE_FD, &pf)) {
			fail("PRESERVE_FD");
			return 1;
		}
	}
	t_pres = now_us() - t0;
	/*
	 * Serve on after PRESERVE_FD, as a service does until the reboot:
	 * these writes must reach the next kernel too.
	 */
	for (i = 0; i < NR_PARTS * per; i += m->stride) {
		fill_slot(&parts[i / per][i % per], i, 1, m->seed);
		m->updated++;
	}
	say("KV: table %lu MiB in %d memfds, %" PRIu64 " slots, %" PRIu64 " updated, seed %016" PRIx64,
	    mib, NR_PARTS, NR_PARTS * per, m->updated, m->seed);
	say("KV: fill %" PRIu64 " us, preserve %" PRIu64 " us (%d PRESERVE_FD)",
	    t_fill, t_pres, NR_PARTS + 1);
	say("KV: kexec now");
	sync();
	syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		LINUX_REBOOT_CMD_KEXEC, NULL);
	fail("reboot(LINUX_REBOOT_CMD_KEXEC)");
	return 1;
}

static int resume(void)
{
	struct liveupdate_ioctl_retrieve_session rs = { .size = sizeof(rs) };
	struct liveupdate_session_retrieve_fd rf = { .size = sizeof(rf) };
	struct liveupdate_session_finish fin = { .size = sizeof(fin) };
	uint64_t t0, t_ret, t_check, t_fin, i, per, total, bad = 0, key;
	struct slot *parts[NR_PARTS];
	struct stat st;
	int first_ok;
	int lu, fds[NR_PARTS + 1], p;
	struct meta *m;

	t0 = now_us();
	lu = open("/dev/liveupdate", O_RDWR);
	if (lu < 0) {
		fail("open /dev/liveupdate");
		return 1;
	}
	strcpy((char *)rs.name, SESSION);
	if (lu_ioctl(lu, LIVEUPDATE_IOCTL_RETRIEVE_SESSION, &rs)) {
		fail("RETRIEVE_SESSION");
		return 1;
	}
	for (p = 0; p <= NR_PARTS; p++) {
		rf.token = p == NR_PARTS ? META_TOKEN : p;
		if (lu_ioctl(rs.fd, LIVEUPDATE_SESSION_RETRIEVE_FD, &rf)) {
			fail("RETRIEVE_FD");
			return 1;
		}
		fds[p] = rf.fd;
	}
	t_ret = now_us() - t0;
	m = map(fds[NR_PARTS], 4096);
	if (!m || m->magic != KV_MAGIC) {
		say("KV: error: the table's header is not there");
		return 1;
	}
	/* The header came through the handover too: check it before use. */
	per = m->part_bytes / sizeof(struct slot);
	total = NR_PARTS * per;
	if (!per || m->part_bytes % sizeof(struct slot) || !m->stride ||
	    m->updated > total / m->stride + 1) {
		say("KV: error: the table's header is not sound");
		return 1;
	}
	for (p = 0; p < NR_PARTS; p++) {
		if (fstat(fds[p], &st) || (uint64_t)st.st_size != m->part_bytes) {
			say("KV: error: memfd %d is not %" PRIu64 " bytes", p, m->part_bytes);
			return 1;
		}
		parts[p] = map(fds[p], m->part_bytes);
		if (!parts[p]) {
			fail("map a retrieved memfd");
			return 1;
		}
	}
	/* The first answer, from the memory the previous kernel filled. */
	key = m->stride * (m->updated / 2);
	first_ok = slot_ok(&parts[key / per][key % per], key, version_of(m, key), m->seed);
	say("KV: answering: key %" PRIu64 " %s, %" PRIu64 " us after open",
	    key, first_ok ? "ok" : "WRONG", now_us() - t0);

	t0 = now_us();
	for (i = 0; i < total; i++)
		if (!slot_ok(&parts[i / per][i % per], i, version_of(m, i), m->seed) &&
		    bad++ < 5)
			say("KV: slot %" PRIu64 " differs", i);
	t_check = now_us() - t0;
	/* Serve on: more writes, into the same memory. */
	for (i = 1; i < total; i += m->stride)
		fill_slot(&parts[i / per][i % per], i, 2, m->seed);
	m->generation++;

	t0 = now_us();
	if (lu_ioctl(rs.fd, LIVEUPDATE_SESSION_FINISH, &fin)) {
		fail("FINISH");
		return 1;
	}
	t_fin = now_us() - t0;
	say("KV: retrieve %" PRIu64 " us (session and %d RETRIEVE_FD), check %" PRIu64 " us, finish %" PRIu64 " us",
	    t_ret, NR_PARTS + 1, t_check, t_fin);
	say("KV: checked %" PRIu64 " slots (%" PRIu64 " bytes), %" PRIu64 " differ",
	    total, total * sizeof(struct slot), bad);
	return bad || !first_ok ? 1 : 0;
}

int main(int argc, char **argv)
{
	int rc = 1;

	kmsg = open("/dev/kmsg", O_WRONLY);
	if (argc == 3 && !strcmp(argv[1], "start"))
		rc = start(strtoul(argv[2], NULL, 0));
	else if (argc == 2 && !strcmp(argv[1], "resume"))
		rc = resume();
	else
		say("KV: usage: kvstore start MIB | kvstore resume");
	say("KV: result %s", rc || failed ? "FAIL" : "PASS");
	return rc;
}
