#!/bin/sh
# Seeds fuzz/corpus/<target>/ from the shared test corpus by extension.
set -eu
src=${1:-../../shared/corpus}
cd "$(dirname "$0")"
for t in docx xlsx xls ods zip eml; do
  mkdir -p "corpus/fuzz_$t"
  find "$src" -name "*.$t" -size -2M -exec cp {} "corpus/fuzz_$t/" \;
done
mkdir -p corpus/fuzz_jpeg corpus/fuzz_png corpus/fuzz_any
find "$src" -name "*.jpg" -size -2M -exec cp {} corpus/fuzz_jpeg/ \;
find "$src" -name "*.png" -size -2M -exec cp {} corpus/fuzz_png/ \;
find "$src" -type f -size -200k -exec cp {} corpus/fuzz_any/ \;
