#!/bin/bash -eu
# fuzz/build.sh: builds the fuzz targets in the OSS-Fuzz layout (docs/fuzzing.md).
#
# OSS-Fuzz (or ClusterFuzzLite) runs it inside its base-builder image with $SRC, $OUT,
# $WORK, $CC, $CFLAGS and $LIB_FUZZING_ENGINE set; the project's Dockerfile installs
# `cmake pkg-config python3 libpython3-dev libpcre2-dev libseccomp-dev` and copies the
# repository to $SRC/pyverify. It also runs locally, e.g.
#   CC=clang CFLAGS="-fsanitize=address,undefined,fuzzer-no-link -g" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out bash fuzz/build.sh
# Produces, in $OUT: fuzz_verify, fuzz_rules and fuzz_pyc, their seed corpora
# (<target>_seed_corpus.zip; fuzz_pyc's .pyc seeds are compiled here by
# fuzz/make_pyc_seeds.py, with $PYTHON311, default python3, which must be CPython 3.11),
# dictionaries (<target>.dict, not for fuzz_pyc), options (<target>.options) and lsan.supp.
#
# libpython is linked dynamically: the runner image needs the same libpython3.11 (a
# Debian-12-based runner, or copy libpython3.11.so.1.0 next to the targets and set rpath).
SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${OUT:?set OUT}" "${CC:=clang}" "${CFLAGS:=}" "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$OUT" "$WORK/pyverify-fuzz"
B=$WORK/pyverify-fuzz

PY_CFLAGS=$(pkg-config --cflags python3-embed libpcre2-8)
PY_LIBS=$(pkg-config --libs python3-embed libpcre2-8)
SEC_DEF="" SEC_LIBS=""
if pkg-config --exists libseccomp; then
  SEC_DEF="-DPV_HAVE_SECCOMP=1" SEC_LIBS=$(pkg-config --libs libseccomp)
fi

# The embedded default policy and policy loader, as the CMake build generates them.
cmake -DIN="$SRC_DIR/rules/default.toml" -DOUT="$B/default_rules.c" -DSYM=pv_default_rules_toml \
      -P "$SRC_DIR/cmake/embed.cmake"
cmake -DIN="$SRC_DIR/verifier/policy_loader.py" -DOUT="$B/policy_loader.c" \
      -DSYM=pv_policy_loader_py -P "$SRC_DIR/cmake/embed.cmake"

# The library: the sources CMakeLists.txt lists in PV_LIB_SOURCES and runtime/sources.cmake.
LIB_SOURCES=$(sed -n '/^set(PV_LIB_SOURCES/,/)/p' "$SRC_DIR/CMakeLists.txt" | grep -v PV_GEN | grep -o '[a-z_/]*\.c' |
              grep -v '^$' | sed "s|^|$SRC_DIR/|")
RT_SOURCES=$(sed -n '/^set(PV_RUNTIME_SOURCES/,/)/p' "$SRC_DIR/runtime/sources.cmake" |
             grep -o '[a-z_]*\.c' | sed "s|^|$SRC_DIR/runtime/|")
objs=()
for s in $LIB_SOURCES $RT_SOURCES "$B/default_rules.c" "$B/policy_loader.c"; do
  o="$B/$(basename "$s" .c).o"
  # shellcheck disable=SC2086
  $CC $CFLAGS -std=c11 -D_GNU_SOURCE -DPY_SSIZE_T_CLEAN -DPV_BUILDING_LIBRARY=1 $SEC_DEF \
      -I"$SRC_DIR/include" -I"$SRC_DIR/verifier" -I"$SRC_DIR/runtime" $PY_CFLAGS -c "$s" -o "$o"
  objs+=("$o")
done
ar rcs "$B/libpyverify_fuzz.a" "${objs[@]}"

for t in fuzz_verify fuzz_rules fuzz_pyc; do
  # shellcheck disable=SC2086
  $CC $CFLAGS -std=c11 -D_GNU_SOURCE -DPY_SSIZE_T_CLEAN -I"$SRC_DIR/include" $PY_CFLAGS \
      -c "$SRC_DIR/fuzz/$t.c" -o "$B/$t.o"
  # Linking with $CC (C only); OSS-Fuzz's libFuzzer needs the C++ runtime: CXX if set.
  # shellcheck disable=SC2086
  ${CXX:-$CC} $CFLAGS "$B/$t.o" -o "$OUT/$t" $LIB_FUZZING_ENGINE "$B/libpyverify_fuzz.a" \
      $PY_LIBS $SEC_LIBS -lm
done

# Seed corpora, dictionaries, options.
"${PYTHON311:-python3}" "$SRC_DIR/fuzz/make_pyc_seeds.py" "$B/pyc-seeds" >/dev/null
(cd "$SRC_DIR" && rm -f "$OUT"/fuzz_{verify,rules,pyc}_seed_corpus.zip &&
 python3 - "$OUT" "$B/pyc-seeds" <<'EOF'
import os, sys, zipfile
out = sys.argv[1]
seeds = {"fuzz_verify": ["fuzz/regressions/verify", "corpus/escapes", "corpus/benign",
                         "corpus/runtime", "corpus/contain"],
         "fuzz_rules": ["fuzz/regressions/rules", "fuzz/corpus/rules"],
         "fuzz_pyc": ["fuzz/regressions/pyc", sys.argv[2]]}
for t, dirs in seeds.items():
    with zipfile.ZipFile(os.path.join(out, t + "_seed_corpus.zip"), "w") as z:
        for d in dirs:
            for name in sorted(os.listdir(d)):
                p = os.path.join(d, name)
                if os.path.isfile(p) and not name.startswith("."):
                    tag = os.path.basename(d) if os.path.isabs(d) else d.replace("/", "_")
                    z.write(p, tag + "_" + name)
EOF
)
cp "$SRC_DIR/fuzz/python.dict" "$OUT/fuzz_verify.dict"
cp "$SRC_DIR/fuzz/toml.dict" "$OUT/fuzz_rules.dict"
cp "$SRC_DIR/fuzz/lsan.supp" "$OUT/lsan.supp"
printf '[libfuzzer]\ndict = fuzz_verify.dict\ntimeout = 1\nrss_limit_mb = 2560\n' >"$OUT/fuzz_verify.options"
printf '[libfuzzer]\ndict = fuzz_rules.dict\ntimeout = 5\nrss_limit_mb = 2560\n' >"$OUT/fuzz_rules.options"
printf '[libfuzzer]\ntimeout = 5\nrss_limit_mb = 2560\n' >"$OUT/fuzz_pyc.options"
echo "fuzz/build.sh: built fuzz_verify fuzz_rules fuzz_pyc in $OUT"
