# memfd mappings plus other special anonymous/shared mappings.
import ctypes, mmap, os, time
keep = []
for name, size, flags in (("tspmap-memfd", 3 * 4096, 0), ("with space", 4096, 0),
                          ("sealed", 8192, os.MFD_ALLOW_SEALING)):
    fd = os.memfd_create(name, flags)
    os.ftruncate(fd, size)
    m = mmap.mmap(fd, size)
    m[0:4] = b"tsp!"
    keep.append((fd, m))
# shared anonymous mapping (shows as /dev/zero (deleted))
sa = mmap.mmap(-1, 5 * 4096, mmap.MAP_SHARED | mmap.MAP_ANONYMOUS)
sa[0:1] = b"x"
keep.append(sa)
# private mapping of /dev/zero
fz = os.open("/dev/zero", os.O_RDONLY)
keep.append(mmap.mmap(fz, 4096, mmap.MAP_PRIVATE, mmap.PROT_READ))
# locked private anonymous memory
libc = ctypes.CDLL(None, use_errno=True)
lk = mmap.mmap(-1, 4 * 4096, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
lk.write(b"L" * 4 * 4096)
buf = (ctypes.c_char * (4 * 4096)).from_buffer(lk)
libc.mlock.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
if libc.mlock(ctypes.addressof(buf), 4 * 4096) != 0:
    raise OSError(ctypes.get_errno(), "mlock")
keep.append((lk, buf))
# a 4 MiB private anonymous region with MADV_HUGEPAGE, touched
hp = mmap.mmap(-1, 4 << 20, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
try:
    hp.madvise(mmap.MADV_HUGEPAGE)
except Exception:
    pass
for off in range(0, 4 << 20, 4096):
    hp[off] = 1
keep.append(hp)
print("ready", flush=True)
time.sleep(1e6)
