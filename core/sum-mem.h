/* sum-mem.h: large blocks for the tables that grow with a capture (the
 * reconstruction's connection records, the analyzer's flows and batches).
 *
 * Each block is mapped on its own and, where the kernel offers transparent
 * huge pages on request (madvise mode, the default of many distributions),
 * asked to be backed by them: a block of SUM_MEM_BLOCK_BYTES then costs one
 * page fault instead of 512. On virtual machines a 4 KiB fault was measured
 * at 11 us here, so a 1M-packet analysis spent a fifth of its time faulting
 * in memory. Without huge pages the blocks are ordinary zeroed memory.
 */
#ifndef SUM_MEM_H
#define SUM_MEM_H

#include <glib.h>

G_BEGIN_DECLS

#define SUM_MEM_BLOCK_BYTES (2u << 20) /* bytes: one x86-64 huge page */

/* BYTES of zeroed memory (any size; best a multiple of SUM_MEM_BLOCK_BYTES).
 * Never NULL: like g_malloc, it aborts when memory is exhausted. */
gpointer sum_mem_block_new(gsize bytes);
/* Frees a block from sum_mem_block_new() of the same BYTES. */
void sum_mem_block_free(gpointer block, gsize bytes);

G_END_DECLS

#endif /* SUM_MEM_H */
