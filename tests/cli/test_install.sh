#!/bin/bash
# cmake --install of this build into a temporary prefix: the files a user gets, only pv_
# symbols exported from libpyverify.so (nm -D), its SONAME, and examples/host/formula.c
# built against the installed tree three ways (pkg-config + make, pkg-config pyverify-static
# with no libpyverify.so loaded, find_package) and run: it verifies a formula and evaluates
# it with pv_run.
source "$(dirname "$0")/lib.sh" "$@"

BUILD=$(dirname "$PV")
cd "$T" || exit 1
P=$T/prefix
if ! timeout 120 cmake --install "$BUILD" --prefix "$P" >install.log 2>&1; then
    fail "cmake --install"; cat install.log >&2; finish
fi
pass "cmake --install --prefix"
LIB=$(ls -d "$P"/lib*/libpyverify.so 2>/dev/null | head -1)
LIBDIR=$(dirname "${LIB:-$P/lib/x}")
for f in "$LIBDIR/libpyverify.so" "$LIBDIR/libpyverify.so.0" "$LIBDIR/libpyverify.so.0.1.0" \
         "$LIBDIR/libpyverify.a" "$P/include/pyverify.h" "$LIBDIR/pkgconfig/pyverify.pc" \
         "$LIBDIR/pkgconfig/pyverify-static.pc" \
         "$LIBDIR/cmake/pyverify/pyverifyConfig.cmake" \
         "$LIBDIR/cmake/pyverify/pyverifyConfigVersion.cmake" \
         "$LIBDIR/cmake/pyverify/pyverifyTargets.cmake" "$P/bin/pyverify" \
         "$P/share/man/man1/pyverify.1" "$P/share/man/man5/pyverify-rules.5" \
         "$P/libexec/pyverify-template"; do
    if [ -e "$f" ]; then pass "installed ${f#"$P"/}"; else fail "not installed: ${f#"$P"/}"; fi
done

# Only pv_ symbols leave the shared library (a sanitizer build also exports the
# sanitizer runtime's option hooks, which must be visible to work).
SAN=
grep -q '^PYVERIFY_SANITIZE:BOOL=ON' "$BUILD/CMakeCache.txt" && SAN="-fsanitize=address,undefined"
nm -D --defined-only "$LIBDIR/libpyverify.so.0.1.0" | awk '{print $NF}' >syms
allowed='^pv_'
[ -n "$SAN" ] && allowed='^(pv_|__(asan|ubsan|lsan)_default_options$)'
if [ -s syms ] && ! grep -Ev "$allowed" syms >stray; then pass "nm -D: only pv_ symbols ($(wc -l <syms))"
else fail "nm -D: symbols without the pv_ prefix:"; head -20 stray >&2; fi
grep -qx pv_verify syms && grep -qx pv_run syms || fail "nm -D: pv_verify and pv_run exported"
soname=$(readelf -d "$LIBDIR/libpyverify.so.0.1.0" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = libpyverify.so.0 ] && pass "SONAME $soname" || fail "SONAME is '$soname'"
"$P/bin/pyverify" --version >ver && grep -q '^pyverify 0.1.0 (CPython 3\.' ver \
    && pass "installed binary runs" || fail "installed binary: $(cat ver)"

# The example, the way a user builds it. A sanitizer build's library needs the runtime too.
CC=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
export PKG_CONFIG_PATH=$LIBDIR/pkgconfig
cp -r "$SRC/examples/host" host
if timeout 120 make -C host CC="${CC:-cc}" CFLAGS="-O1 -Wall -Wextra -Werror $SAN" \
        LDFLAGS="$SAN -Wl,-rpath,$LIBDIR" >make.log 2>&1; then
    pass "example built with pkg-config and make"
else
    fail "example with pkg-config"; cat make.log >&2
fi
grep -q -- "-I$P/include\|pkgconfig/../../include" make.log || fail "the include path came from pyverify.pc"

# Static: README's recipe as written, pkg-config pyverify-static; the result must not load
# libpyverify.so (`pkg-config --static pyverify` alone gave a program that did).
if timeout 120 "${CC:-cc}" $SAN host/formula.c $(pkg-config --cflags --libs pyverify-static) \
        -o formula-static >static.log 2>&1; then
    pass "example linked with pkg-config pyverify-static"
else
    fail "static link"; cat static.log >&2
fi
if [ -x formula-static ] && ldd formula-static >static.ldd 2>&1 && ! grep -q libpyverify static.ldd; then
    pass "the static example does not load libpyverify.so"
else
    fail "the static example loads libpyverify.so:"; cat static.ldd >&2
fi
grep -qF 'pkg-config --cflags --libs pyverify-static' "$SRC/README.md" \
    && pass "README's static recipe is the one tested" || fail "README's static recipe differs"

if timeout 200 cmake -S host -B host-cmake -DCMAKE_PREFIX_PATH="$P" -DCMAKE_C_COMPILER="${CC:-cc}" \
        -DCMAKE_C_FLAGS="$SAN" -DCMAKE_EXE_LINKER_FLAGS="$SAN" >cmake.log 2>&1 \
   && timeout 200 cmake --build host-cmake >>cmake.log 2>&1; then
    pass "example built with find_package(pyverify)"
else
    fail "example with find_package"; cat cmake.log >&2
fi

for exe in ./host/formula ./formula-static ./host-cmake/formula; do
    [ -x "$exe" ] || continue
    expect_status 0 "$exe evaluates an accepted formula" -- timeout 60 "$exe" 'round(price * qty * (1 + vat), 2)' price=2.5 qty=4 vat=0.2
    expect_grep out "12.0" "$exe: the value"
    expect_status 1 "$exe rejects an escape" -- timeout 60 "$exe" '().__class__.__bases__' 
    expect_grep out "PV300" "$exe: the diagnostic"
    expect_status 1 "$exe rejects an unknown input name" -- timeout 60 "$exe" 'price * tax' price=1
    expect_status 3 "$exe reports a failing run" -- timeout 60 "$exe" '1 / zero' zero=0
    expect_grep out "ZeroDivisionError" "$exe: the exception"
done
# The installed library is found through its own rpath-free SONAME link as well.
if ldd host/formula 2>/dev/null | grep -q "$LIBDIR/libpyverify.so.0"; then
    pass "the example loads the installed libpyverify.so.0"
else
    fail "the example does not load the installed library"; ldd host/formula >&2
fi
finish
