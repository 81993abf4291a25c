# Holders for the SysV label cases of issue 9; prints "ready" once mapped.
#   hugetlb: an SHM_HUGETLB segment first, then an ordinary one
#   plain:   two ordinary segments (run under unshare -i for a namespace of its own)
#   memfd:   memfds named "/SYSV..." (shared and private), no segment at all
import ctypes, mmap, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
IPC_CREAT, IPC_RMID, SHM_HUGETLB = 0o1000, 0, 0o4000
HUGE = 2 << 20

def segment(key, size, flags=0):
    shmid = libc.shmget(key, size, IPC_CREAT | 0o600 | flags)
    if shmid < 0:
        sys.exit("shmget: errno %d" % ctypes.get_errno())
    address = libc.shmat(shmid, None, 0)
    if address in (None, ctypes.c_void_p(-1).value):
        sys.exit("shmat: errno %d" % ctypes.get_errno())
    ctypes.memset(address, 1, 4096)
    # removed at once: gone with the process, shown as "(deleted)"
    libc.shmctl(shmid, IPC_RMID, None)

keep = []
case = sys.argv[1]
if case == "hugetlb":
    segment(0, HUGE, SHM_HUGETLB)
    segment(0, 8192)
elif case == "plain":
    segment(0, 8192)
    segment(0x7473706d, 4096)
elif case == "memfd":
    fd = os.memfd_create("/SYSV0000abcd", 0)
    os.ftruncate(fd, 8192)
    keep.append(mmap.mmap(fd, 8192))
    private = os.memfd_create("/SYSV00001234 private", 0)
    os.ftruncate(private, 4096)
    keep.append(mmap.mmap(private, 4096, mmap.MAP_PRIVATE))
else:
    sys.exit("unknown case " + case)
print("ready", flush=True)
time.sleep(1e6)
