/* rules.c: the rule catalogue, generated from rules.def. */
#include <strings.h>
#include "internal.h"

static const pv_rule_info g_rules[PVR__COUNT] = {
#define INPUT PV_DIAG_INPUT
#define AST PV_DIAG_AST
#define BYTECODE PV_DIAG_BYTECODE
#define RUNTIME PV_DIAG_RUNTIME
#define REJECT PV_REJECTED
#define INVALID PV_INVALID
#define PV_RULE(e, code, layer, verdict, title, hint, expl) \
    [PVR_##e] = { code, title, hint, expl, layer, verdict },
#include "rules.def"
#undef PV_RULE
#undef INPUT
#undef AST
#undef BYTECODE
#undef RUNTIME
#undef REJECT
#undef INVALID
};

const pv_rule_info *pvr_info(pv_rule r)
{
    if ((unsigned)r >= PVR__COUNT)
        return &g_rules[PVR_INTERNAL];
    return &g_rules[r];
}

PV_EXTERN size_t pv_rule_count(void) { return PVR__COUNT; }

PV_EXTERN const pv_rule_info *pv_rule_at(size_t i)
{
    return i < PVR__COUNT ? &g_rules[i] : NULL;
}

PV_EXTERN const pv_rule_info *pv_rule_find(const char *code)
{
    if (!code)
        return NULL;
    for (size_t i = 0; i < PVR__COUNT; i++)
        if (strcasecmp(g_rules[i].code, code) == 0)
            return &g_rules[i];
    return NULL;
}
