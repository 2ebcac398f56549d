/*
 * layers.h: `pyverify serve --require-layers LIST` (issue 21). The service refuses to start
 * (exit 2) when its start-up run (the zygote's warm-up, a real pv_run) lacks a layer the
 * list names, instead of serving runs with fewer layers than the deployment expects.
 */
#ifndef PV_SERVICE_LAYERS_H
#define PV_SERVICE_LAYERS_H

#include <stddef.h>

#include "pyverify.h"

/* The default of --require-layers: the layers that hold in every supported deployment,
 * containers under their runtime's default seccomp profile included. */
#define PVS_LAYERS_DEFAULT "base"

/* Expands LIST (comma-separated layer names as reported in "layers", and the groups
 * base, namespaces, all, none) into `out`: the names, each once, comma-separated ("" for
 * none). 0, or -1 with a message for an unknown name in `why`. */
int pvs_layers_parse(const char *list, char *out, size_t outsz, char *why, size_t whysz);

/* 0 when every layer of `required` (pvs_layers_parse's output) is in the run's layers;
 * -1 otherwise, with the missing ones and the runtime's reasons in `why`. */
int pvs_layers_check(const char *required, const pv_run_result *res, char *why, size_t whysz);

#endif
