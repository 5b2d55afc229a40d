#!/usr/bin/env bash
# HELL's two commands:
#   ./build.sh demo    set up, build, and tour a Hurd environment on Linux:
#                      translators, the Hurd's tools, its servers
#   ./build.sh check   set up, build, and run the whole test suite: with gcc,
#                      with gcc under ASan+UBSan, and with clang together
#                      with the libFuzzer targets
# Set-up (scripts/setup-deps) installs what is missing on Debian 12 or 13.
set -euo pipefail
cd "$(dirname "$0")"

setup() {
    ./scripts/setup-deps >/dev/null
}

build() { # builddir [meson options...]: 0 if it built
    local dir=$1; shift
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "$@" >/dev/null || return 1
    fi
    # Quiet when it builds; the end of the log when it does not.
    ninja -C "$dir" > "$dir/build.log" 2>&1 || { tail -n 40 "$dir/build.log"; return 1; }
}

# Run a suite in DIR; add its counts to the totals.
passed=0 failed=0
run_tests() { # builddir label
    local dir=$1 label=$2 log
    log=$(mktemp)
    echo "== tests ($label) =="
    set +e
    meson test -C "$dir" --print-errorlogs --num-processes 2 2>&1 | tee "$log" | grep -E '^ *[0-9]+/[0-9]+ |^(Ok|Fail|Timeout|Unexpected Pass|Expected Fail):'
    set -e
    local ok fail to up
    ok=$(awk '/^Ok:/ {print $2}' "$log"); fail=$(awk '/^Fail:/ {print $2}' "$log")
    to=$(awk '/^Timeout:/ {print $2}' "$log"); up=$(awk '/^Unexpected Pass:/ {print $3}' "$log")
    if [ -z "$ok" ]; then
        echo "meson test did not run in $dir (see $dir/meson-logs/testlog.txt)"
        failed=$((failed + 1))
    else
        passed=$((passed + ok)); failed=$((failed + ${fail:-0} + ${to:-0} + ${up:-0}))
    fi
    rm -f "$log"
}

case "${1:-}" in
demo)
    setup
    build build
    echo "== HELL demo: two Mach tasks on Linux, a MIG RPC between them =="
    build/tools/hell run build/examples/echo/echo-demo
    echo
    echo "== HELL demo: a Hurd environment on Linux =="
    exec examples/tour/hurd-tour.sh build
    ;;
check)
    setup
    # A build that fails counts as one failure and skips its suite; the
    # summary line is always the last one.
    echo "== build =="
    if build build; then run_tests build "normal build"
    else echo "the build failed"; failed=$((failed + 1)); fi
    echo "== build with ASan and UBSan =="
    if build build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug; then
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
            run_tests build-asan "ASan+UBSan"
    else echo "the ASan+UBSan build failed"; failed=$((failed + 1)); fi
    echo "== build with clang, and the libFuzzer targets (60 s of fuzzing) =="
    if CC=clang build build-fuzz -Dfuzz=true; then run_tests build-fuzz "clang, with fuzzing"
    else echo "the clang build failed"; failed=$((failed + 1)); fi
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    ;;
*)
    echo "usage: ./build.sh demo|check" >&2
    exit 2
    ;;
esac
