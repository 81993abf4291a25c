#!/usr/bin/env python3
"""Benchmark helper processes for scripts/bench.mjs (public tools only).

  bigproc.py big [TOTAL]   create a process with about TOTAL mappings, print
                           "READY <pid> <mappings>" and wait to be frozen
  bigproc.py small         exec `sleep` (a tiny target process)

Both ask the kernel to SIGKILL them when their parent (the benchmark) dies,
so a crashed or killed benchmark leaves nothing behind (PR_SET_PDEATHSIG
survives execve, so it covers `sleep` too).

The big process maps two regions and mprotect()s every other page, so
neighbouring VMAs differ in protection and the kernel cannot merge them:
  * anonymous memory, written once (so Rss/Dirty are non-zero in smaps);
  * a memfd (a "/memfd:tspmap-bench (deleted)" path, so names and file
    offsets vary as they do for real shared libraries), left untouched.
vm.max_map_count (65530 by default) bounds the total.
"""
import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1
PROT_READ, PROT_WRITE = 1, 2
MAP_SHARED, MAP_PRIVATE, MAP_ANONYMOUS = 0x01, 0x02, 0x20
MADV_NOHUGEPAGE = 15
MAP_FAILED = ctypes.c_void_p(-1).value

libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]


def die_with_parent():
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG)")
    # The parent may already have gone between fork and prctl.
    if os.getppid() == 1:
        os._exit(1)


def fail(what):
    err = ctypes.get_errno()
    sys.stderr.write(f"bigproc: {what}: {os.strerror(err)}\n")
    sys.exit(2)


def checked_mmap(length, prot, flags, fd, offset):
    addr = libc.mmap(None, length, prot, flags, fd, offset)
    if addr is None or addr == MAP_FAILED:
        fail("mmap")
    return addr


def alternate(addr, pages, page, prot):
    """mprotect every other page of [addr, addr + pages * page)."""
    for i in range(1, pages, 2):
        if libc.mprotect(addr + i * page, page, prot) != 0:
            fail(f"mprotect (page {i} of {pages}; vm.max_map_count is "
                 f"{open('/proc/sys/vm/max_map_count').read().strip()})")


def count_maps():
    with open("/proc/self/maps", "rb") as f:
        return sum(1 for _ in f)


def big(total):
    page = os.sysconf("SC_PAGE_SIZE")
    base = count_maps()
    wanted = max(0, total - base)
    file_pages = wanted // 3
    anon_pages = wanted - file_pages

    anon = checked_mmap(anon_pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
    libc.madvise(anon, anon_pages * page, MADV_NOHUGEPAGE)
    ctypes.memset(anon, 0x5A, anon_pages * page)
    alternate(anon, anon_pages, page, PROT_READ)

    if file_pages > 0:
        fd = os.memfd_create("tspmap-bench")
        os.ftruncate(fd, file_pages * page)
        mem = checked_mmap(file_pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0)
        os.close(fd)
        alternate(mem, file_pages, page, PROT_READ)

    sys.stdout.write(f"READY {os.getpid()} {count_maps()}\n")
    sys.stdout.flush()
    while True:
        signal.pause()


def main(argv):
    die_with_parent()
    if len(argv) >= 2 and argv[1] == "small":
        os.execvp("sleep", ["sleep", "100000"])
    if len(argv) >= 2 and argv[1] == "big":
        big(int(argv[2]) if len(argv) > 2 else 61000)
        return
    sys.stderr.write(__doc__)
    sys.exit(2)


if __name__ == "__main__":
    main(sys.argv)
