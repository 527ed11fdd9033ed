#!/bin/sh
# Seeds fuzz/corpus/<target>/ from the shared test corpus, by extension
# (and, for PDF, by content: the corpus's PDFs wear other names).
set -eu
src=${1:-../../shared/corpus}
cd "$(dirname "$0")"
for t in docx xlsx xls ods zip eml doc; do
  mkdir -p "corpus/fuzz_$t"
  find "$src" -name "*.$t" -size -2M -exec cp {} "corpus/fuzz_$t/" \;
done
mkdir -p corpus/fuzz_jpeg corpus/fuzz_png corpus/fuzz_any corpus/fuzz_video corpus/fuzz_pdf
find "$src" -name "*.jpg" -size -2M -exec cp {} corpus/fuzz_jpeg/ \;
find "$src" -name "*.png" -size -2M -exec cp {} corpus/fuzz_png/ \;
find "$src" \( -iname "*.mp4" -o -iname "*.mov" -o -iname "*.3gp" -o -iname "*.avi" \) -size -2M \
  -exec cp {} corpus/fuzz_video/ \;
find "$src" -type f -size -2M | while read -r f; do
  if [ "$(head -c 4 "$f")" = "%PDF" ]; then cp "$f" "corpus/fuzz_pdf/$(basename "$f").pdf"; fi
done
find "$src" -type f -size -200k -exec cp {} corpus/fuzz_any/ \;
