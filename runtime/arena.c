/*
 * arena.c: a template's pymalloc arenas, in one region aligned to huge pages.
 *
 * Every run copies the template's image (the fork of its supervisor, the supervisor's fork
 * of the program) and drops each copy again at its end. Both cost one page-table entry per
 * 4 KiB page of anonymous memory, and most of that memory is pymalloc's arenas: 1 MiB
 * mappings that mmap places wherever it likes, never on a 2 MiB boundary, so the kernel
 * cannot back them with huge pages.
 *
 * Here the template's arenas come from one region aligned to 2 MiB. Once the template is
 * prepared, and before it forks its first child, pvx_arena_collapse() turns the part of
 * the region its arenas use into 2 MiB pages (MADV_COLLAPSE) and unmaps the rest. A fork
 * and an exit then copy and drop one entry per 2 MiB instead of 512. A child's first
 * write into such a page splits the mapping and copies 4 KiB, as it did before.
 *
 * Nothing is shared that was not before: the region is part of the image every child
 * inherits, as the arenas were. A child's address space does not grow (RLIMIT_AS counts
 * what it maps): the region's unused tail is unmapped before the first fork. An arena
 * beyond the region, or of another size, comes from mmap, as CPython's own allocator
 * does. A freed slot of the region is returned (MADV_DONTNEED, which reads back as zeros,
 * as a fresh mapping would) and reused.
 */
#include "template.h"

#include <Python.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25 /* Linux 6.1; older kernels refuse it (EINVAL): nothing changes */
#endif

enum {
    SLOT = 1u << 20,     /* CPython 3.11's ARENA_SIZE on 64-bit; another size: mmap */
    HUGE = 2u << 20,     /* x86-64's and arm64's (4 KiB granule) PMD size */
    MAX_SLOTS = 64,      /* reserved, not committed: only what the template uses stays */
};

static struct {
    char *base;          /* NULL: not installed */
    size_t slots;        /* slots in the region (shrinks to the used part at collapse) */
    uint64_t used;       /* one bit per slot */
} A;

static void *arena_alloc(void *ctx, size_t size)
{
    (void)ctx;
    if (A.base && size == SLOT) {
        for (size_t i = 0; i < A.slots; i++)
            if (!(A.used & (UINT64_C(1) << i))) {
                A.used |= UINT64_C(1) << i;
                return A.base + i * SLOT;
            }
    }
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void arena_free(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    char *p = ptr;
    if (A.base && p >= A.base && p < A.base + A.slots * SLOT) {
        size_t i = (size_t)(p - A.base) / SLOT;
        (void)madvise(p, SLOT, MADV_DONTNEED);
        A.used &= ~(UINT64_C(1) << i);
        return;
    }
    munmap(ptr, size);
}

/* The kernel's huge page for anonymous memory is the 2 MiB this file assumes (x86-64, and
 * arm64 with 4 KiB pages); elsewhere (arm64 with 64 KiB pages: 512 MiB) the region would
 * not help, and CPython's own arenas are kept. */
static bool huge_pages_are_2mib(void)
{
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "re");
    unsigned long v = 0;
    if (!f)
        return false;
    if (fscanf(f, "%lu", &v) != 1)
        v = 0;
    fclose(f);
    return v == HUGE;
}

void pvx_arena_install(void)
{
    if (!huge_pages_are_2mib())
        return;
    size_t len = (size_t)MAX_SLOTS * SLOT + HUGE;
    char *raw = mmap(NULL, len, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED)
        return; /* CPython's own arenas, as everywhere else */
    char *base = (char *)(((uintptr_t)raw + HUGE - 1) & ~(uintptr_t)(HUGE - 1));
    size_t head = (size_t)(base - raw), tail = len - head - (size_t)MAX_SLOTS * SLOT;
    if (head)
        munmap(raw, head);
    if (tail)
        munmap(base + (size_t)MAX_SLOTS * SLOT, tail);
    A.base = base;
    A.slots = MAX_SLOTS;
    PyObjectArenaAllocator al = {NULL, arena_alloc, arena_free};
    PyObject_SetArenaAllocator(&al);
}

size_t pvx_arena_collapse(void)
{
    size_t top = 0;
    if (!A.base)
        return 0;
    for (size_t i = 0; i < A.slots; i++)
        if (A.used & (UINT64_C(1) << i))
            top = i + 1;
    /* whole huge pages: the used slots, and the free ones among them */
    size_t keep = (top * SLOT + HUGE - 1) & ~(size_t)(HUGE - 1);
    size_t slots = keep / SLOT;
    if (slots < A.slots) {
        munmap(A.base + keep, (A.slots - slots) * SLOT);
        A.slots = slots;
    }
    return keep && madvise(A.base, keep, MADV_COLLAPSE) == 0 ? keep : 0;
}
