#!/usr/bin/env bash
# STYLE.md: the sources never call sprintf, strcpy, strcat or atoi (unbounded writes, no error
# reporting). snprintf/asprintf and strtol do the same jobs with bounds and errors.
set -u
root=${1:?usage: test_banned.sh SOURCE_DIR}
hits=$(grep -rnE '(^|[^A-Za-z0-9_])(sprintf|vsprintf|strcpy|strcat|atoi|atol)[[:space:]]*\(' \
       --include='*.c' --include='*.h' "$root"/cli "$root"/verifier "$root"/runtime "$root"/service \
       "$root"/include "$root"/tests "$root"/fuzz "$root"/bench "$root"/examples 2>/dev/null)
if [ -n "$hits" ]; then
  echo "banned functions (STYLE.md):"
  echo "$hits"
  exit 1
fi
echo "ok: no banned function in the C sources"
