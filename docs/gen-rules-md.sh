#!/bin/bash
# gen-rules-md.sh PYVERIFY > docs/rules.md: the rule catalogue (verifier/rules.def, through
# `pyverify --list-rules` and `--explain CODE`) as Markdown, one heading (anchor #pvNNN)
# per code. SARIF's helpUri points here. tests/cli/test_rules_md.sh checks it is current.
set -euo pipefail
pv=${1:?usage: gen-rules-md.sh PYVERIFY}
families=(
    "PV0xx|input and limits"
    "PV1xx|node kinds and statements"
    "PV2xx|names and builtins"
    "PV3xx|attributes and format strings"
    "PV4xx|imports"
    "PV5xx|bytecode layer"
    "PV6xx|runtime"
    "PV7xx|compiled code (.pyc and marshal input)"
)
echo "# pyverify rule codes"
echo
echo "Generated from \`verifier/rules.def\` by \`docs/gen-rules-md.sh\` (the text of"
echo "\`pyverify --explain CODE\`); do not edit by hand."
echo
for f in "${families[@]}"; do
    echo "- ${f%%|*}: ${f#*|}"
done
"$pv" --list-rules | while read -r code title; do
    echo
    echo "## $code"
    echo
    echo '```text'
    "$pv" --explain "$code"
    echo '```'
done
