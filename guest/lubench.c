// SPDX-License-Identifier: GPL-2.0
/*
 * lubench: the live update workloads of 'make bench' (W4-W6), timed from
 * userspace with the same code on our kernel and on a mainline one.
 *
 *   lubench pre WORKLOAD    create and fill the memfds, preserve them
 *                           (timed), reboot into the kernel loaded with
 *                           kexec -s
 *   lubench post WORKLOAD   retrieve them (timed), answer, check one word
 *                           of every page, FINISH (timed)
 *
 * WORKLOAD: w0 (one session, no file: the blackout's baseline), w4 (one
 * 1 GiB memfd in 4 KiB pages), w5 (the same in 2 MiB THP folios), w6
 * (1000 memfds of 1 MiB in 10 sessions). Lines for the host start with
 * "LB: "; "LB: kexec now" and "LB: answering" bound the blackout, which
 * the host times.
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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lu.h"

#define THP_SHMEM	"/sys/kernel/mm/transparent_hugepage/shmem_enabled"

#define MIB		(1024UL * 1024)
#define PAGE		4096UL
#define MAX_FILES	1000

struct workload {
	const char *name;
	unsigned int sessions;
	unsigned int files;	/* in all */
	uint64_t file_bytes;
	int thp;
};

static const struct workload workloads[] = {
	{ "w0", 1, 0, 0, 0 },
	{ "w4", 1, 1, 1024 * MIB, 0 },
	{ "w5", 1, 1, 1024 * MIB, 1 },
	{ "w6", 10, 1000, 1 * MIB, 0 },
};

static int die(const char *what)
{
	say("LB: error: %s: %s", what, strerror(errno));
	say("LB: result FAIL");
	return 1;
}

/* The word at the start of page @pg of file @f. */
static uint64_t word(unsigned int f, uint64_t pg)
{
	return ((uint64_t)f << 40) ^ (pg * 0x9e3779b97f4a7c15ULL) ^ 0x6c7562656e6368ULL;
}

static void session_name(char *buf, unsigned int i)
{
	snprintf(buf, LIVEUPDATE_SESSION_NAME_LENGTH, "lubench-%u", i);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	int ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);

	if (fd >= 0)
		close(fd);
	return ok;
}

static long long meminfo_kb(const char *field)
{
	char line[128];
	size_t len = strlen(field);
	long long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':')
			kb = strtoll(line + len + 1, NULL, 10);
	fclose(f);
	return kb;
}

/* A /proc/vmstat counter, or -1. */
static long long vmstat(const char *field)
{
	char name[64];
	long long v, found = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", name, &v) == 2)
		if (!strcmp(name, field))
			found = v;
	fclose(f);
	return found;
}

static int pre(const struct workload *w)
{
	struct liveupdate_ioctl_create_session cs = { .size = sizeof(cs) };
	struct liveupdate_session_preserve_fd pf = { .size = sizeof(pf) };
	static int fds[MAX_FILES];
	int lu, sess[10];
	uint64_t t0, t, pg;
	long long migrated;
	unsigned int f, s;

	lu = open("/dev/liveupdate", O_RDWR);
	if (lu < 0)
		return die("open /dev/liveupdate");
	/* Shmem THP is off by default; madvise() may not be built in. */
	if (!write_file(THP_SHMEM, w->thp ? "always" : "never") && w->thp)
		return die("write " THP_SHMEM);
	t0 = now_us();
	for (f = 0; f < w->files; f++) {
		char *p;

		fds[f] = memfd_create("lubench", 0);
		if (fds[f] < 0 || ftruncate(fds[f], w->file_bytes))
			return die("memfd");
		p = mmap(NULL, w->file_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fds[f], 0);
		if (p == MAP_FAILED)
			return die("mmap");
		for (pg = 0; pg < w->file_bytes / PAGE; pg++)
			*(uint64_t *)(p + pg * PAGE) = word(f, pg);
		munmap(p, w->file_bytes);
	}
	t = now_us() - t0;
	say("LB: %s filled %u files of %" PRIu64 " bytes in %" PRIu64 " us, ShmemHugePages %lld kB, CmaFree %lld kB",
	    w->name, w->files, w->file_bytes, t, meminfo_kb("ShmemHugePages"),
	    meminfo_kb("CmaFree"));

	for (s = 0; s < w->sessions; s++) {
		session_name((char *)cs.name, s);
		if (ioctl(lu, LIVEUPDATE_IOCTL_CREATE_SESSION, &cs))
			return die("CREATE_SESSION");
		sess[s] = cs.fd;
	}
	/*
	 * Pages in KHO scratch (CMA) must move out before they can be
	 * preserved: how many did is part of the preserve time.
	 */
	migrated = vmstat("pgmigrate_success");
	t0 = now_us();
	for (f = 0; f < w->files; f++) {
		pf.fd = fds[f];
		pf.token = f;
		if (ioctl(sess[f % w->sessions], LIVEUPDATE_SESSION_PRESERVE_FD, &pf))
			return die("PRESERVE_FD");
	}
	t = now_us() - t0;
	if (migrated >= 0)
		migrated = vmstat("pgmigrate_success") - migrated;
	say("LB: %s preserve_us=%" PRIu64 " files=%u bytes=%" PRIu64 " migrated_pages=%lld",
	    w->name, t, w->files, (uint64_t)w->files * w->file_bytes, migrated);
	say("LB: kexec now");
	sync();
	syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		LINUX_REBOOT_CMD_KEXEC, NULL);
	return die("reboot(LINUX_REBOOT_CMD_KEXEC)");
}

static int post(const struct workload *w)
{
	struct liveupdate_ioctl_retrieve_session rs = { .size = sizeof(rs) };
	struct liveupdate_session_retrieve_fd rf = { .size = sizeof(rf) };
	struct liveupdate_session_finish fin = { .size = sizeof(fin) };
	static int fds[MAX_FILES];
	uint64_t t0, t_ret, t_fin, pg, bad = 0;
	int lu, sess[10];
	unsigned int f, s;
	struct stat st;

	t0 = now_us();
	lu = open("/dev/liveupdate", O_RDWR);
	if (lu < 0)
		return die("open /dev/liveupdate");
	for (s = 0; s < w->sessions; s++) {
		session_name((char *)rs.name, s);
		if (ioctl(lu, LIVEUPDATE_IOCTL_RETRIEVE_SESSION, &rs))
			return die("RETRIEVE_SESSION");
		sess[s] = rs.fd;
	}
	for (f = 0; f < w->files; f++) {
		rf.token = f;
		if (ioctl(sess[f % w->sessions], LIVEUPDATE_SESSION_RETRIEVE_FD, &rf))
			return die("RETRIEVE_FD");
		fds[f] = rf.fd;
	}
	t_ret = now_us() - t0;
	say("LB: answering");
	say("LB: %s retrieve_us=%" PRIu64 " ShmemHugePages %lld kB", w->name, t_ret,
	    meminfo_kb("ShmemHugePages"));

	for (f = 0; f < w->files; f++) {
		char *p;

		if (fstat(fds[f], &st) || (uint64_t)st.st_size != w->file_bytes)
			return die("a retrieved file's size");
		p = mmap(NULL, w->file_bytes, PROT_READ, MAP_SHARED, fds[f], 0);
		if (p == MAP_FAILED)
			return die("mmap");
		for (pg = 0; pg < w->file_bytes / PAGE; pg++)
			bad += *(uint64_t *)(p + pg * PAGE) != word(f, pg);
		munmap(p, w->file_bytes);
	}
	t0 = now_us();
	for (s = 0; s < w->sessions; s++)
		if (ioctl(sess[s], LIVEUPDATE_SESSION_FINISH, &fin))
			return die("FINISH");
	t_fin = now_us() - t0;
	say("LB: %s finish_us=%" PRIu64 " pages_wrong=%" PRIu64, w->name, t_fin, bad);
	say("LB: result %s", bad ? "FAIL" : "PASS");
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	unsigned int i;

	kmsg = open("/dev/kmsg", O_WRONLY);
	for (i = 0; argc == 3 && i < sizeof(workloads) / sizeof(workloads[0]); i++) {
		if (strcmp(argv[2], workloads[i].name))
			continue;
		if (!strcmp(argv[1], "pre"))
			return pre(&workloads[i]);
		if (!strcmp(argv[1], "post"))
			return post(&workloads[i]);
	}
	say("LB: usage: lubench pre|post w0|w4|w5|w6");
	return 2;
}
