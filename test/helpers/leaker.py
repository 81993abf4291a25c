#!/usr/bin/env python3
"""A process that leaks on purpose, for the diff and watch tests.

  leaker.py FILE [--steady]

Prints "READY <pid>" once started. Every line "grow" on stdin leaks once, then
it prints "GREW <n>":
  * heap:   20 MiB of 1 KiB malloc() blocks (below the mmap threshold, so the
            brk heap grows), each written so it is resident;
  * anon:   one new 16 MiB anonymous mmap, written;
  * file:   FILE is extended by 4 MiB and mapped again whole (MAP_SHARED), and
            every page read, so the file mapping grows;
  * thread: one more thread, parked: its stack is a new anonymous mapping with
            a guard page.
With --steady it grows by itself every 0.5 s (for watch) until stdin closes.
The process dies with its parent (PR_SET_PDEATHSIG).
"""
import ctypes
import mmap
import os
import signal
import sys
import threading
import time

libc = ctypes.CDLL(None, use_errno=True)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG

MIB = 1024 * 1024
path = sys.argv[1]
keep = []  # everything leaked stays referenced
parked = threading.Event()
file_map = None
file_size = 0

with open(path, "wb") as handle:
    handle.truncate(4 * MIB)
file_size = 4 * MIB


def map_file():
    global file_map
    fd = os.open(path, os.O_RDWR)
    try:
        new_map = mmap.mmap(fd, file_size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
    finally:
        os.close(fd)
    for offset in range(0, file_size, 4096):
        new_map[offset]  # fault the page in
    if file_map is not None:
        file_map.close()
    file_map = new_map


def grow():
    global file_size
    for _ in range(20 * 1024):
        block = libc.malloc(1024)
        ctypes.memset(block, 0x5A, 1024)
        keep.append(block)
    anon = mmap.mmap(-1, 16 * MIB, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    anon.write(b"\x5a" * (16 * MIB))
    keep.append(anon)
    file_size += 4 * MIB
    with open(path, "r+b") as handle:
        handle.truncate(file_size)
    map_file()
    thread = threading.Thread(target=parked.wait, daemon=True)
    thread.start()
    keep.append(thread)


map_file()
print(f"READY {os.getpid()}", flush=True)
grown = 0
if len(sys.argv) > 2 and sys.argv[2] == "--steady":
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    while True:
        time.sleep(0.5)
        grow()
        grown += 1
for line in sys.stdin:
    if line.strip() == "grow":
        grow()
        grown += 1
        print(f"GREW {grown}", flush=True)
