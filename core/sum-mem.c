/* sum-mem.c: large blocks, huge pages when the kernel gives them on request
 * (sum-mem.h says why). */
#include "sum-mem.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

gpointer
sum_mem_block_new(gsize bytes)
{
    g_return_val_if_fail(bytes > 0, NULL);
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
    /* Map a huge page more and keep the aligned part, so the kernel can back
     * it with huge pages; the slack either side is unmapped again. */
    gsize align = SUM_MEM_BLOCK_BYTES;
    gsize len = (bytes + align - 1) / align * align;
    guint8 *raw = mmap(NULL, len + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
    if (raw == MAP_FAILED)
        g_error("sum_mem_block_new: out of memory for %" G_GSIZE_FORMAT " bytes: %s", bytes,
                g_strerror(errno));
    guint8 *p = (guint8 *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
    if (p > raw)
        munmap(raw, (gsize)(p - raw));
    gsize tail = (gsize)(raw + len + align - (p + len));
    if (tail > 0)
        munmap(p + len, tail);
    (void)madvise(p, len, MADV_HUGEPAGE); /* a hint: without it, small pages */
    return p;
#else
    return g_malloc0(bytes);
#endif
}

void
sum_mem_block_free(gpointer block, gsize bytes)
{
    if (block == NULL)
        return;
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
    gsize align = SUM_MEM_BLOCK_BYTES;
    munmap(block, (bytes + align - 1) / align * align);
#else
    (void)bytes;
    g_free(block);
#endif
}
