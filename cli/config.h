/* config.h: configuration discovery (pyverify.toml, [tool.pyverify] in pyproject.toml). */
#ifndef PV_CLI_CONFIG_H
#define PV_CLI_CONFIG_H

#include <stddef.h>
#include "pyverify.h"

typedef struct pv_cfg pv_cfg;

/* A discovery context; needs pv_init(). Returns 0, or -1 with a message in err. */
int pv_cfg_new(pv_cfg **out, char *err, size_t errlen);
/* Frees the context and every policy it loaded; NULL is a no-op. */
void pv_cfg_free(pv_cfg *c);
/* The policy for `path` (a file or directory): found by walking up from it, composed with
 * the overrides whose globs match, loaded once per distinct composition. *pol is borrowed
 * from the context. Returns 0; -1 with a message in err (the same message for every file
 * of one broken configuration file); -2 when this composed policy failed to load before. */
int pv_cfg_policy(pv_cfg *c, const char *path, const pv_policy **pol, char *err, size_t errlen);

#endif
