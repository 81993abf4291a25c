#!/usr/bin/env python3
"""Target for scripts/bench/watch-cost.mjs (public tools only).

  watch-target.py TOTAL

Builds about TOTAL mappings the way bigproc.py does, prints
"READY <pid> <mappings>", then loops forever doing work that needs the
mmap lock the kernel takes while smaps is read: mmap, touch and munmap of a
64 KiB region. Every 0.1 s it prints "OPS <unix-ms> <count> <max-us>", the operations
done in that tenth of a second and the longest one in microseconds, so the benchmark can compare throughput
with and without `tspmap watch` sampling it.
"""
import importlib.util
import mmap
import os
import sys
import time

spec = importlib.util.spec_from_file_location("bigproc", os.path.join(os.path.dirname(__file__), "bigproc.py"))
bigproc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bigproc)


def build(total):
    page = os.sysconf("SC_PAGE_SIZE")
    wanted = max(0, total - bigproc.count_maps())
    prot_rw = bigproc.PROT_READ | bigproc.PROT_WRITE
    anon = bigproc.checked_mmap(wanted * page, prot_rw, bigproc.MAP_PRIVATE | bigproc.MAP_ANONYMOUS, -1, 0)
    bigproc.libc.madvise(anon, wanted * page, bigproc.MADV_NOHUGEPAGE)
    bigproc.ctypes.memset(anon, 0x5A, wanted * page)
    bigproc.alternate(anon, wanted, page, bigproc.PROT_READ)


def main():
    bigproc.die_with_parent()
    build(int(sys.argv[1]) if len(sys.argv) > 1 else 61000)
    print(f"READY {os.getpid()} {bigproc.count_maps()}", flush=True)
    window_end = time.monotonic() + 0.1
    ops = 0
    longest = 0.0
    while True:
        began = time.monotonic()
        region = mmap.mmap(-1, 65536)
        region[0] = 1
        region.close()
        ops += 1
        now = time.monotonic()
        longest = max(longest, now - began)
        if now >= window_end:
            print(f"OPS {int(time.time() * 1000)} {ops} {int(longest * 1e6)}", flush=True)
            ops = 0
            longest = 0.0
            window_end = now + 0.1


main()
