"""scipy reference for bench/augment.bench.ts: elastic field + warp of one image+label pair.

Reads a little-endian header (width, height, runs as uint32; alpha, sigma, then the 2x3 affine
about the centre as float32) and the image (float32) and label (uint8) from stdin; prints the
median and min ms of `runs` timed runs (after one untimed run) as JSON. Same work as the first row
of the bench: uniform noise in [-1, 1] blurred by gaussian_filter (reflect) and scaled by alpha,
then map_coordinates, order 1 for the image and order 0 for the label, reflect borders.
"""
import json
import sys
import time

import numpy as np
from scipy.ndimage import gaussian_filter, map_coordinates

raw = sys.stdin.buffer.read()
w, h, runs = np.frombuffer(raw, np.uint32, 3, 0)
alpha, sigma, a, b, tx, c, d, ty = np.frombuffer(raw, np.float32, 8, 12)
image = np.frombuffer(raw, np.float32, w * h, 44).reshape(h, w)
label = np.frombuffer(raw, np.uint8, w * h, 44 + 4 * w * h).reshape(h, w)
rng = np.random.default_rng(1)
y, x = np.meshgrid(np.arange(h, dtype=np.float32), np.arange(w, dtype=np.float32), indexing="ij")
cx, cy = (w - 1) / 2, (h - 1) / 2


def once():
    dx = gaussian_filter(rng.uniform(-1, 1, (h, w)).astype(np.float32), sigma, mode="reflect") * alpha
    dy = gaussian_filter(rng.uniform(-1, 1, (h, w)).astype(np.float32), sigma, mode="reflect") * alpha
    xs = a * (x - cx) + b * (y - cy) + tx + cx + dx
    ys = c * (x - cx) + d * (y - cy) + ty + cy + dy
    map_coordinates(image, [ys, xs], order=1, mode="reflect")
    map_coordinates(label, [ys, xs], order=0, mode="reflect")


once()
times = []
for _ in range(runs):
    t0 = time.perf_counter()
    once()
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(json.dumps({"median": times[len(times) // 2], "min": times[0]}))
