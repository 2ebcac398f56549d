/*
 * policy_cache_none.c: an empty default-policy cache, for what is linked before the cache
 * exists (cache_gen.c, the build-time tool that makes it) or without it (the libFuzzer
 * library). With it, the default policy is always derived live.
 */
#include <stddef.h>

const unsigned char pv_default_cache[1] = { 0 };
const size_t pv_default_cache_len = 0;
