#!/usr/bin/env python3
"""Generate the hand-made /proc fixture trees (fixtures/hm-*/tree, pids, README).

usage (from the repo root): python3 scripts/gen-handmade.py
Deterministic: re-running rewrites identical trees. Cases are recorded by
scripts/make-handmade.sh (which calls this first).
"""
import os, random, shutil

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
TPL = os.path.join(ROOT, "scripts", "templates")
FIX = os.path.join(ROOT, "fixtures")

# smaps field sets, in kernel order. "Size" etc are "NAME: value kB";
# THPeligible / ProtectionKey are bare numbers; VmFlags is a flag list.
FIELDS = {
    "2.6.32": ["Size", "Rss", "Pss", "Shared_Clean", "Shared_Dirty", "Private_Clean",
               "Private_Dirty", "Referenced", "Swap", "KernelPageSize", "MMUPageSize"],
    "3.10": ["Size", "Rss", "Pss", "Shared_Clean", "Shared_Dirty", "Private_Clean",
             "Private_Dirty", "Referenced", "Anonymous", "AnonHugePages", "Swap",
             "KernelPageSize", "MMUPageSize", "Locked", "VmFlags"],
    "4.19": ["Size", "KernelPageSize", "MMUPageSize", "Rss", "Pss", "Shared_Clean",
             "Shared_Dirty", "Private_Clean", "Private_Dirty", "Referenced", "Anonymous",
             "LazyFree", "AnonHugePages", "ShmemPmdMapped", "Shared_Hugetlb",
             "Private_Hugetlb", "Swap", "SwapPss", "Locked", "THPeligible",
             "ProtectionKey", "VmFlags"],
    # as on this machine (Linux 6.18)
    "6.x": ["Size", "KernelPageSize", "MMUPageSize", "Rss", "Pss", "Pss_Dirty",
            "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty", "Referenced",
            "Anonymous", "KSM", "LazyFree", "AnonHugePages", "ShmemPmdMapped",
            "FilePmdMapped", "Shared_Hugetlb", "Private_Hugetlb", "Swap", "SwapPss",
            "Locked", "THPeligible", "VmFlags"],
}
# a "future" kernel with fields pmap has never heard of (one with a long name)
FIELDS["future"] = FIELDS["6.x"][:20] + ["Unheard_Of", "Very_Long_Field_Name_Pages"] + FIELDS["6.x"][20:]


class Map:
    def __init__(self, start, end, perms, offset=0, dev=(0, 0), inode=0, name="", vals=None, flags=None):
        self.start, self.end, self.perms, self.offset = start, end, perms, offset
        self.dev, self.inode, self.name = dev, inode, name
        self.vals = vals or {}
        self.flags = flags


def maps_line(m, bits=64):
    # the kernel prints addresses with "%08lx" on 32- and 64-bit alike
    s = "%08x-%08x %s %08x %02x:%02x %d " % (m.start, m.end, m.perms, m.offset, m.dev[0], m.dev[1], m.inode)
    if m.name:
        pad = 25 + (4 if bits == 32 else 8) * 6  # name column: 49 (32-bit) / 73 (64-bit)
        s = s.ljust(pad) + m.name
    return s + "\n"


def default_flags(m):
    f = []
    p = m.perms
    if p[0] == "r": f.append("rd")
    if p[1] == "w": f.append("wr")
    if p[2] == "x": f.append("ex")
    if p[3] == "s": f.append("sh")
    f += ["mr", "mw", "me"]
    if p[3] == "s": f.append("ms")
    if m.name == "[stack]": f += ["gd"]
    if m.inode == 0 and p[1] == "w": f.append("ac")
    if m.name == "[vsyscall]": return "ex"
    return " ".join(f)


def smaps_block(m, version, bits, rng):
    fields = FIELDS[version]
    size = (m.end - m.start) // 1024 if m.end >= m.start else 0
    v = dict(m.vals)
    v.setdefault("Size", size)
    if "Rss" not in v:
        v["Rss"] = 0 if m.name == "[vsyscall]" or m.perms == "---p" else min(size, 4 * rng.randint(0, max(1, size // 4)))
    rss = v["Rss"]
    anon = m.inode == 0 and m.name not in ("[vdso]", "[vvar]", "[vsyscall]")
    v.setdefault("Pss", rss if anon else rss // rng.choice((1, 2, 3)))
    v.setdefault("Pss_Dirty", v["Pss"] if anon else 0)
    if anon:
        v.setdefault("Private_Dirty", rss)
        v.setdefault("Anonymous", rss)
        v.setdefault("Referenced", rss)
    else:
        sc = rss - v["Pss"] if rss > v["Pss"] else 0
        v.setdefault("Shared_Clean", sc)
        v.setdefault("Private_Clean", rss - sc)
        v.setdefault("Referenced", rss)
    v.setdefault("KernelPageSize", 4)
    v.setdefault("MMUPageSize", 4)
    out = [maps_line(m, bits)]
    for f in fields:
        if f == "VmFlags":
            fl = m.flags if m.flags is not None else default_flags(m)
            out.append("VmFlags: " + "".join(x + " " for x in fl.split()) + "\n")
        elif f == "THPeligible" and version == "4.19":  # 5.0 .. 5.x printed it unpadded
            out.append("%-16s%d\n" % (f + ":", v.get(f, 0)))
        elif f in ("THPeligible", "ProtectionKey"):
            out.append("%-16s%8d\n" % (f + ":", v.get(f, 0)))
        else:
            out.append("%-16s%8d kB\n" % (f + ":", v.get(f, 0)))
    return "".join(out)


def stat_line(pid, comm, state, startstack, ppid=1, threads=1, vsize=0, rss=0):
    # fields 1..52 of /proc/PID/stat (proc(5)); field 28 is startstack
    f = ["0"] * 53
    f[1], f[2], f[3], f[4], f[5], f[6] = str(pid), "(%s)" % comm, state, str(ppid), str(pid), str(pid)
    f[7], f[8], f[9] = "34816", str(pid), "4194304"           # tty_nr tpgid flags
    f[10], f[14], f[15] = "120", "3", "1"                     # minflt utime stime
    f[18], f[19], f[20] = "20", "0", str(threads)             # priority nice num_threads
    f[22], f[23], f[24], f[25] = "123456", str(vsize), str(rss), "18446744073709551615"
    f[26], f[27], f[28] = "4194304", "4198400", str(startstack)
    f[38], f[39] = "17", "1"                                  # exit_signal processor
    f[45], f[46], f[47] = "6299648", "6300000", "6303744"
    f[48], f[49] = str(startstack + 0x2c8), str(startstack + 0x2e0)
    f[50], f[51] = str(startstack + 0x2e0), str(startstack + 0xfe0)
    return " ".join(f[1:]) + "\n"


def status_text(pid, name, ppid=1, state="S (sleeping)"):
    out = []
    with open(os.path.join(TPL, "self-status")) as fh:
        for line in fh:
            k = line.split(":", 1)[0]
            if k == "Name": line = "Name:\t%s\n" % name
            elif k in ("Tgid", "Pid", "NStgid", "NSpid"): line = "%s:\t%d\n" % (k, pid)
            elif k in ("PPid",): line = "PPid:\t%d\n" % ppid
            elif k in ("NSpgid", "NSsid"): line = "%s:\t%d\n" % (k, pid)
            elif k == "State": line = "State:\t%s\n" % state
            out.append(line)
    return "".join(out)


def write(path, data, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with (open(path, mode) if "b" in mode else open(path, mode, newline="")) as fh:
        fh.write(data)


def make_fixture(name, readme, procs, pids=None, self_maps="self-maps", extra_cases=None, bits=64):
    """procs: list of dicts(pid, comm, cmdline(bytes), maps[list Map], version, startstack)."""
    d = os.path.join(FIX, name)
    shutil.rmtree(os.path.join(d, "tree"), ignore_errors=True)
    t = os.path.join(d, "tree")
    for p in procs:
        rng = random.Random("%s-%d" % (name, p["pid"]))
        pd = os.path.join(t, str(p["pid"]))
        maps = p["maps"]
        write(os.path.join(pd, "maps"), "".join(maps_line(m, bits) for m in maps))
        write(os.path.join(pd, "smaps"), "".join(smaps_block(m, p["version"], bits, rng) for m in maps))
        vsize = sum((m.end - m.start) & (2**64 - 1) for m in maps) & (2**64 - 1)
        write(os.path.join(pd, "stat"), stat_line(p["pid"], p["comm"], p.get("state", "S"), p["startstack"],
                                                  vsize=vsize, rss=123))
        write(os.path.join(pd, "status"), status_text(p["pid"], p["comm"]))
        write(os.path.join(pd, "cmdline"), p["cmdline"], "wb")
    os.makedirs(os.path.join(t, "self"), exist_ok=True)
    shutil.copy(os.path.join(TPL, self_maps), os.path.join(t, "self", "maps"))
    shutil.copy(os.path.join(TPL, "self-status"), os.path.join(t, "self", "status"))
    shutil.copy(os.path.join(TPL, "uptime"), os.path.join(t, "uptime"))
    write(os.path.join(d, "pids"), " ".join(str(x) for x in (pids or [p["pid"] for p in procs])) + "\n")
    write(os.path.join(d, "README"), readme.rstrip("\n") + "\nHand-made by scripts/gen-handmade.py; cases by scripts/make-handmade.sh.\n")
    ec = os.path.join(d, "extra-cases")
    if extra_cases:
        write(ec, "".join("\t".join(c) + "\n" for c in extra_cases))
    elif os.path.exists(ec):
        os.remove(ec)


def typical64(exe="/usr/bin/demo", stack=True, heap=True):
    """A typical 64-bit process layout."""
    E, L = 0x55d4c8a00000, 0x7f3a1c000000
    ms = [
        Map(E, E + 0x2000, "r--p", 0, (0xfe, 0x01), 1311011, exe),
        Map(E + 0x2000, E + 0x7000, "r-xp", 0x2000, (0xfe, 0x01), 1311011, exe),
        Map(E + 0x7000, E + 0x9000, "r--p", 0x7000, (0xfe, 0x01), 1311011, exe),
        Map(E + 0x9000, E + 0xa000, "r--p", 0x8000, (0xfe, 0x01), 1311011, exe),
        Map(E + 0xa000, E + 0xb000, "rw-p", 0x9000, (0xfe, 0x01), 1311011, exe),
    ]
    if heap:
        ms.append(Map(0x55d4c9b3e000, 0x55d4c9b5f000, "rw-p", 0, (0, 0), 0, "[heap]"))
    ms += [
        Map(L, L + 0x21000, "rw-p"),
        Map(L + 0x21000, L + 0x4000000, "---p"),
        Map(L + 0x4200000, L + 0x4226000, "r--p", 0, (0xfe, 0x01), 2359298, "/usr/lib/x86_64-linux-gnu/libc.so.6"),
        Map(L + 0x4226000, L + 0x437c000, "r-xp", 0x26000, (0xfe, 0x01), 2359298, "/usr/lib/x86_64-linux-gnu/libc.so.6"),
        Map(L + 0x437c000, L + 0x43cf000, "r--p", 0x17c000, (0xfe, 0x01), 2359298, "/usr/lib/x86_64-linux-gnu/libc.so.6"),
        Map(L + 0x43cf000, L + 0x43d3000, "r--p", 0x1cf000, (0xfe, 0x01), 2359298, "/usr/lib/x86_64-linux-gnu/libc.so.6"),
        Map(L + 0x43d3000, L + 0x43d5000, "rw-p", 0x1d3000, (0xfe, 0x01), 2359298, "/usr/lib/x86_64-linux-gnu/libc.so.6"),
        Map(L + 0x43d5000, L + 0x43e2000, "rw-p"),
        Map(L + 0x43e2000, L + 0x43e9000, "r--s", 0, (0xfe, 0x01), 2360001, "/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache"),
        Map(L + 0x43e9000, L + 0x43ea000, "rw-s", 0, (0, 0x01), 32769, "/SYSV0000abcd (deleted)"),
        Map(L + 0x43ea000, L + 0x43ec000, "rw-s", 0, (0, 0x05), 1025, "/dev/zero (deleted)"),
        Map(L + 0x43ec000, L + 0x43ed000, "rw-p", 0, (0, 0x01), 5120, "/memfd:buf (deleted)"),
        Map(L + 0x43ed000, L + 0x43f1000, "r--p", 0, (0, 0), 0, "[vvar]"),
        Map(L + 0x43f1000, L + 0x43f3000, "r-xp", 0, (0, 0), 0, "[vdso]"),
        Map(L + 0x43f3000, L + 0x43f4000, "r--p", 0, (0xfe, 0x01), 2359290, "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
        Map(L + 0x43f4000, L + 0x441a000, "r-xp", 0x1000, (0xfe, 0x01), 2359290, "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
        Map(L + 0x441a000, L + 0x4424000, "r--p", 0x27000, (0xfe, 0x01), 2359290, "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
        Map(L + 0x4424000, L + 0x4426000, "r--p", 0x31000, (0xfe, 0x01), 2359290, "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
        Map(L + 0x4426000, L + 0x4428000, "rw-p", 0x33000, (0xfe, 0x01), 2359290, "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
    ]
    if stack:
        ms.append(Map(0x7ffc5e9d4000, 0x7ffc5e9f5000, "rw-p", 0, (0, 0), 0, "[stack]"))
    ms.append(Map(0xffffffffff600000, 0xffffffffff601000, "--xp", 0, (0, 0), 0, "[vsyscall]"))
    return ms


STACK64 = 0x7ffc5e9f4a10


def main():
    # ---- smaps field sets of several kernel versions -----------------------
    for ver, tag in (("2.6.32", "2.6.32"), ("3.10", "3.10"), ("4.19", "4.19"), ("6.x", "6.x")):
        ms = typical64()
        if ver == "2.6.32":
            for m in ms:
                if m.name == "[vsyscall]":
                    m.perms = "r-xp"
        if ver == "3.10":  # thread stacks were named [stack:TID] in 3.4 .. 4.4
            L = 0x7f3a1c000000
            ms.insert(7, Map(L + 0x3800000, L + 0x4000000, "rw-p", 0, (0, 0), 0, "[stack:4243]"))
            ms[8] = Map(L + 0x21000, L + 0x37ff000, "---p")
            ms.insert(8, Map(L + 0x37ff000, L + 0x3800000, "---p"))
            ms.sort(key=lambda m: m.start)
        if ver == "4.19":
            for m in ms:
                if m.inode == 0 and "w" in m.perms:
                    m.vals = {"ProtectionKey": 0}
            ms[5].vals = {"Rss": 132, "Anonymous": 132, "LazyFree": 8, "AnonHugePages": 0, "Swap": 12, "SwapPss": 12}
        if ver == "6.x":
            ms[5].vals = {"Rss": 132, "Anonymous": 132, "KSM": 4, "Swap": 20, "SwapPss": 20, "Locked": 132, "THPeligible": 1}
            ms[5].flags = "rd wr mr mw me lo ac sd"
        make_fixture("hm-smaps-" + tag, "Typical 64-bit layout with the smaps field set of Linux %s." % ver,
                     [dict(pid=4242, comm="demo", cmdline=b"/usr/bin/demo\0--serve\0", maps=ms,
                           version=ver, startstack=STACK64)])

    # ---- smaps parsing quirks -------------------------------------------------
    ms = typical64()
    ms[5].vals = {"Unheard_Of": 12, "Very_Long_Field_Name_Pages": 123456789}
    make_fixture("hm-smaps-future", "6.x field set plus unknown smaps fields (Unheard_Of, Very_Long_Field_Name_Pages).",
                 [dict(pid=4242, comm="demo", cmdline=b"/usr/bin/demo\0", maps=ms, version="future", startstack=STACK64)])
    ms = typical64()
    ms[6].flags = ""
    make_fixture("hm-vmflags-empty", "6.x field set where one mapping has an empty 'VmFlags: ' line (pmap -X rejects it).",
                 [dict(pid=4242, comm="demo", cmdline=b"/usr/bin/demo\0", maps=ms, version="6.x", startstack=STACK64)])

    # ---- 32-bit style addresses ---------------------------------------------
    ms = [
        Map(0x08048000, 0x08049000, "r-xp", 0, (0x08, 0x01), 130, "/bin/demo32"),
        Map(0x08049000, 0x0804a000, "rw-p", 0x1000, (0x08, 0x01), 130, "/bin/demo32"),
        Map(0x0804a000, 0x0806b000, "rw-p", 0, (0, 0), 0, "[heap]"),
        Map(0xb7d8f000, 0xb7d90000, "rw-p"),
        Map(0xb7d90000, 0xb7ee3000, "r-xp", 0, (0x08, 0x01), 5030, "/lib/i386-linux-gnu/libc-2.13.so"),
        Map(0xb7ee3000, 0xb7ee4000, "---p", 0x153000, (0x08, 0x01), 5030, "/lib/i386-linux-gnu/libc-2.13.so"),
        Map(0xb7ee4000, 0xb7ee6000, "r--p", 0x153000, (0x08, 0x01), 5030, "/lib/i386-linux-gnu/libc-2.13.so"),
        Map(0xb7ee6000, 0xb7ee7000, "rw-p", 0x155000, (0x08, 0x01), 5030, "/lib/i386-linux-gnu/libc-2.13.so"),
        Map(0xb7ee7000, 0xb7eea000, "rw-p"),
        Map(0xb7efe000, 0xb7eff000, "r-xp", 0, (0, 0), 0, "[vdso]"),
        Map(0xb7eff000, 0xb7f1a000, "r-xp", 0, (0x08, 0x01), 5011, "/lib/i386-linux-gnu/ld-2.13.so"),
        Map(0xb7f1a000, 0xb7f1b000, "r--p", 0x1a000, (0x08, 0x01), 5011, "/lib/i386-linux-gnu/ld-2.13.so"),
        Map(0xb7f1b000, 0xb7f1c000, "rw-p", 0x1b000, (0x08, 0x01), 5011, "/lib/i386-linux-gnu/ld-2.13.so"),
        Map(0xbfd0e000, 0xbfd2f000, "rw-p", 0, (0, 0), 0, "[stack]"),
    ]
    make_fixture("hm-32bit", "32-bit style maps/smaps (8-digit addresses, name column 49, 3.10 field set).",
                 [dict(pid=3232, comm="demo32", cmdline=b"/bin/demo32\0", maps=ms, version="3.10",
                       startstack=0xbfd2e8c0)], bits=32)

    # ---- huge values ---------------------------------------------------------
    M64 = 2**64 - 1
    ms = [
        Map(0x0000000000400000, 0x0000000000401000, "r-xp", 0, (0xfe, 0x01), 12, "/usr/bin/huge"),
        Map(0x0000000000001000, 0x8000000000001000, "rw-p", 0, (0, 0), 0, "",
            {"Rss": 2**53 + 1, "Pss": 2**53 + 1, "Private_Dirty": 2**53 + 1, "Anonymous": 2**53 + 1,
             "Referenced": 2**53 + 1, "Swap": 2**60, "Locked": 2**53 - 1}),
        Map(0x8000000000000000, 0xfffffffffffff000, "rw-p", 0xfffffffffffff000, (0, 0), 0, "",
            {"Rss": 2**63, "Pss": 2**63, "Private_Dirty": 2**63, "Anonymous": 2**63, "Referenced": 2**63,
             "Swap": 2**63, "Locked": 2**62}),
        Map(0x0000000000000000, 0xffffffffffffffff, "---p", 0, (0, 0), 0, "[anon:everything]",
            {"Rss": M64, "Pss": M64, "Shared_Dirty": M64, "Referenced": M64, "Swap": M64, "Locked": M64}),
        Map(0x7ffffffde000, 0x7ffffffff000, "rw-p", 0, (0, 0), 0, "[stack]",
            {"Rss": 99999999999, "Pss": 99999999999, "Private_Dirty": 99999999999}),
        Map(0xffffffffff600000, 0xffffffffff601000, "--xp", 0, (0, 0), 0, "[vsyscall]"),
        Map(0xfffffffffffff000, 0xffffffffffffffff, "r--p", 0xffffffff, (0xff, 0xff), M64, "/top/of/space"),
    ]
    ms2 = [
        Map(0x10000, 0x11000, "rw-p", 0, (0, 0), 0, "",
            {"Rss": 4, "Pss": 4, "Swap": 10**20, "Private_Dirty": 4}),  # not representable in 64 bits
        Map(0x7ffffffde000, 0x7ffffffff000, "rw-p", 0, (0, 0), 0, "[stack]"),
    ]
    make_fixture("hm-huge", "Huge addresses (up to ffffffffffffffff, [vsyscall]) and smaps values whose totals exceed 2^53 and wrap 2^64; PID 4243 has a value (1e20) beyond 64 bits.",
                 [dict(pid=4242, comm="huge", cmdline=b"/usr/bin/huge\0", maps=ms, version="6.x", startstack=0x7fffffffe000),
                  dict(pid=4243, comm="huge2", cmdline=b"huge2\0", maps=ms2, version="6.x", startstack=0x7fffffffe000)])

    # ---- device majors/minors and inodes ------------------------------------
    E = 0x563000000000
    ms = [
        Map(E, E + 0x1000, "r--p", 0, (0x103, 0x02), 4096, "/mnt/nvme/app"),
        Map(E + 0x1000, E + 0x3000, "r-xp", 0x1000, (0x103, 0x02), 4096, "/mnt/nvme/app"),
        Map(E + 0x3000, E + 0x4000, "rw-p", 0x3000, (0xfe, 0x01), 77, "/data/file"),
        Map(E + 0x4000, E + 0x5000, "r--s", 0, (0x08, 0x11), 12345678901234, "/sdb/shared"),
        Map(E + 0x5000, E + 0x6000, "r--p", 0x123456789, (0x00, 0x1a5), 3, "/big/minor"),
        Map(E + 0x6000, E + 0x7000, "r--p", 0, (0xfff, 0xfffff), 18446744073709551615, "/max/dev"),
        Map(E + 0x7000, E + 0x8000, "rw-p", 0, (0, 0x2c), 1, "/dev/shm/seg"),
        Map(0x7ffd11100000, 0x7ffd11121000, "rw-p", 0, (0, 0), 0, "[stack]"),
    ]
    make_fixture("hm-devices", "Device numbers with three-digit and larger majors/minors (103:02, fe:01, 00:1a5, fff:fffff), long inodes and offsets.",
                 [dict(pid=4242, comm="app", cmdline=b"/mnt/nvme/app\0-v\0", maps=ms, version="6.x", startstack=0x7ffd11120f00)])

    # ---- stack recognised through stat's startstack --------------------------
    S0, S1 = 0x7ffc5e9d4000, 0x7ffc5e9f5000
    procs = []
    for pid, ss, what in ((4242, S0 + 0x20a10, "inside"), (4243, S0, "at the start of"),
                          (4244, S1, "at the end of"), (4245, S1 - 1, "at the last byte of")):
        ms = typical64(stack=False)
        ms.insert(len(ms) - 1, Map(S0, S1, "rw-p"))
        procs.append(dict(pid=pid, comm="nostack", cmdline=b"", maps=ms, version="6.x", startstack=ss))
    make_fixture("hm-startstack", "No [stack] name: stat's startstack (field 28) lies inside (4242), at the start (4243), at the end (4244) or the last byte (4245) of an unnamed rw-p mapping; empty cmdline; a [heap] mapping.",
                 procs)

    # ---- SysV shm minor matching ---------------------------------------------
    L = 0x7f0011000000
    ms = [
        Map(0x400000, 0x401000, "r-xp", 0, (0xfe, 0x01), 99, "/usr/bin/shmdemo"),
        Map(L, L + 0x10000, "rw-s", 0, (0, 0x01), 32769, "/SYSV0000abcd (deleted)"),
        Map(L + 0x10000, L + 0x12000, "r--s", 0, (0, 0x01), 0, "/SYSV00000000 (deleted)"),
        Map(L + 0x12000, L + 0x13000, "rw-s", 0, (0, 0x05), 98304, "/SYSV12345678 (deleted)"),
        Map(L + 0x13000, L + 0x14000, "rw-p", 0, (0, 0x05), 98305, "/SYSV00000001 (deleted)"),
        Map(L + 0x14000, L + 0x15000, "rw-s", 0, (0x08, 0x05), 98306, "/SYSV00000002 (deleted)"),
        Map(L + 0x15000, L + 0x16000, "rw-s", 0, (0, 0x05), 98307, "/dev/shm/SYSV-lookalike"),
        Map(0x7ffd22200000, 0x7ffd22221000, "rw-p", 0, (0, 0), 0, "[stack]"),
    ]
    proc = dict(pid=4242, comm="shmdemo", cmdline=b"/usr/bin/shmdemo\0", maps=ms, version="6.x", startstack=0x7ffd22220f00)
    make_fixture("hm-sysv-minor1", "SysV-looking mappings with various dev/perms; self/maps has a low SYSV line with dev 00:01.", [proc])
    make_fixture("hm-sysv-minor5", "Same maps as hm-sysv-minor1; self/maps has a low SYSV line with dev 00:05.", [proc], self_maps="self-maps-minor5")
    make_fixture("hm-sysv-noself", "Same maps as hm-sysv-minor1; self/maps has no SYSV line (shm minor unknown).", [proc], self_maps="self-maps-nosysv")

    # ---- tree used for command-line error cases ------------------------------
    make_fixture("cli", "A small 6.x tree (PID 4242) used for command-line parsing and error cases.",
                 [dict(pid=4242, comm="demo", cmdline=b"/usr/bin/demo\0", maps=typical64(), version="6.x", startstack=STACK64)])


if __name__ == "__main__":
    main()
