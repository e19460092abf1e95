/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the live update guest programs (kvstore.c, lubench.c) share: lines
 * for the host through the kernel log, and a monotonic clock.
 */
#ifndef GUEST_LU_H
#define GUEST_LU_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

/* /dev/kmsg, opened by main(); stderr when it is not there. */
static int kmsg = -1;

/*
 * One line for the host. Through the kernel log it stays whole among the
 * kernel's own lines; level 0, so that the console shows it whatever its
 * log level.
 */
static inline void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	char buf[256] = "<0>";		/* the level, then the line */
	char *line = buf + 3;
	size_t room = sizeof(buf) - 3;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, room - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)room - 2)
		n = room - 2;
	line[n++] = '\n';
	/* One write() per record: /dev/kmsg cannot seek, so no stdio here. */
	if (kmsg < 0 || write(kmsg, buf, n + 3) != n + 3)
		fwrite(line, 1, n, stderr);
}

static inline uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

#endif
