# Map files with odd names (spaces, tab, UTF-8, invalid UTF-8, newline, brackets,
# "(deleted)" in the name) plus really deleted files. argv[1] is the directory.
import mmap, os, sys, time
d = os.fsencode(sys.argv[1])
os.makedirs(d, exist_ok=True)
names = [b"with space", b"tab\there", "utf8-\u00e9\u00fc-\u65e5\u672c".encode(), b"bad-\xff\xfe-\xc3",
         b"new\nline", b"[stack]", b"fake (deleted)", b"back\\slash", b"x" * 200,
         b"deleted-file", b"deleted with space"]
keep = []
for i, n in enumerate(names):
    p = os.path.join(d, n)
    with open(p, "wb") as f:
        f.write(bytes([65 + i]) * 8192)
    fd = os.open(p, os.O_RDWR)
    m = mmap.mmap(fd, 8192, mmap.MAP_SHARED if i % 2 else mmap.MAP_PRIVATE)
    m[0]  # touch a page
    keep.append((fd, m))
    if n.startswith(b"deleted"):
        os.unlink(p)
print("ready", flush=True)
time.sleep(1e6)
