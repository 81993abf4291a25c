# Thousands of mappings: one big anonymous region, protections alternating per page.
import ctypes, mmap, sys, time
n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
PAGE = 4096
base = libc.mmap(None, n * PAGE, 3, 0x22, -1, 0)  # PROT_READ|WRITE, MAP_PRIVATE|ANONYMOUS
for i in range(0, n, 3):
    ctypes.memset(base + i * PAGE, 7, 1)  # make some pages resident
for i in range(1, n, 2):
    if libc.mprotect(base + i * PAGE, PAGE, 1) != 0:  # PROT_READ
        sys.exit("mprotect failed")
print("ready", flush=True)
time.sleep(1e6)
