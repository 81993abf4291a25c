# Attach SysV shared memory segments (keyed and IPC_PRIVATE); prints "ready SHMID..."
import ctypes, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.shmget.restype = ctypes.c_int
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
IPC_CREAT, IPC_RMID, SHM_RDONLY = 0o1000, 0, 0o10000
ids = []
for key, size, flags in ((0x7473706d, 65536, 0), (0, 3 * 4096, 0), (0x1234abcd, 8192, SHM_RDONLY)):
    i = libc.shmget(key, size, IPC_CREAT | 0o600)
    if i < 0:
        sys.exit("shmget: errno %d" % ctypes.get_errno())
    a = libc.shmat(i, None, flags)
    if a in (None, ctypes.c_void_p(-1).value):
        sys.exit("shmat: errno %d" % ctypes.get_errno())
    if not flags:
        ctypes.memset(a, 1, 4096)
    ids.append(i)
# mark the last one for removal: it stays attached, shown as "(deleted)"
libc.shmctl(ids[-1], IPC_RMID, None)
print("ready", *ids, flush=True)
time.sleep(1e6)
