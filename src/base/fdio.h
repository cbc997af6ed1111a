/* fdio.h - whole reads and writes on a descriptor: retried after EINTR and
 * short transfers, so callers see all-or-nothing.
 *
 * Entry points: fd_write_all(), fd_read_all(), fd_read_upto().
 * Must never: report success for a partial transfer.
 */
#ifndef BASE_FDIO_H
#define BASE_FDIO_H

#include <stdbool.h>
#include <stddef.h>

/* Write all n bytes; false (errno set) on an error. */
bool fd_write_all(int fd, const void *p, size_t n);

/* Read exactly n bytes; false on an error or end of file before n. */
bool fd_read_all(int fd, void *p, size_t n);

/* Read up to n bytes, stopping early only at end of file or an error;
 * the number read (a file that shrank gives fewer). */
size_t fd_read_upto(int fd, void *p, size_t n);

#endif
