"""Start PROCS processes with about MAPPINGS mappings each, for measuring
tspmap metrics: one python3 parent maps two-page anonymous regions, writes
the first page and makes the second PROT_NONE (so neighbours never merge),
then forks PROCS - 1 children that inherit the mappings. Prints "ready"
when all exist; everything waits in pause() until killed (the caller kills
the process group)."""
import ctypes
import os
import signal
import sys

mappings, procs = int(sys.argv[1]), int(sys.argv[2])
PAGE = os.sysconf('SC_PAGE_SIZE')
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
PROT_RW, PROT_NONE, MAP_PRIVATE_ANON = 3, 0, 0x22

with open('/proc/self/maps') as maps:
    have = sum(1 for _ in maps)
for _ in range(max(0, mappings - have) // 2):
    address = libc.mmap(None, 2 * PAGE, PROT_RW, MAP_PRIVATE_ANON, -1, 0)
    ctypes.memset(address, 1, PAGE)
    libc.mprotect(address + PAGE, PAGE, PROT_NONE)

for _ in range(procs - 1):
    if os.fork() == 0:
        while True:
            signal.pause()
sys.stdout.write('ready\n')
sys.stdout.flush()
while True:
    signal.pause()
