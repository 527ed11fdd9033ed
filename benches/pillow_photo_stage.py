#!/usr/bin/env python3
"""The photo stage of issue 6's Python anchor, run on the benchmark's photos.

Pillow (whose wheels bundle libjpeg-turbo) decodes each JPEG with DCT-scaled
`draft` decoding at the smallest scale still covering the print size, applies
the EXIF orientation, resizes with Lanczos to the print size and saves a JPEG
at the print quality, in 2 worker processes: what the issue's Python pipeline
does per photo. benches/run.sh times it with /usr/bin/time next to
vipsthumbnail and djpeg, so the ratio to it is measured in the same run.

Usage: pillow_photo_stage.py EDGE QUALITY LIST  (LIST: one photo path a line)
"""
import io
import sys
from multiprocessing import Pool

from PIL import Image, ImageOps

EDGE, QUALITY = int(sys.argv[1]), int(sys.argv[2])


def fit(w, h):
    """(w, h) scaled so the long edge is EDGE, rounding up (as baosong)."""
    edge = max(w, h)
    if edge <= EDGE:
        return w, h
    return -(-w * EDGE // edge), -(-h * EDGE // edge)


def one(path):
    with Image.open(path) as im:
        im.draft("RGB", fit(*im.size))
        im = ImageOps.exif_transpose(im)
        im.thumbnail((EDGE, EDGE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        im.convert("RGB").save(out, "JPEG", quality=QUALITY)
        return len(out.getvalue())


if __name__ == "__main__":
    with open(sys.argv[3], encoding="utf-8") as f:
        paths = [line.rstrip("\n") for line in f if line.strip()]
    with Pool(2) as pool:
        sizes = pool.map(one, paths, chunksize=4)
        pool.close()
        pool.join()
    print(f"{len(sizes)} photos, {sum(sizes) / len(sizes) / 1024:.1f} KB each", file=sys.stderr)
