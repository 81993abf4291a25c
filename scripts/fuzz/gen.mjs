/**
 * Random but plausible /proc trees for differential fuzzing of tspmap
 * against procps-ng pmap.
 *
 * A tree is a plain object:
 *   { files: Map<relpath, Buffer | {dir: true} | {symlink: string}>,
 *     tokens: string[]      PID operands for this tree (present, missing, dups),
 *     env: {LANG: string},
 *     addrs: bigint[]       interesting addresses, for -A ranges,
 *     hostile: string[]     which hostile mutations were applied }
 * Everything is drawn from one Rng, so a (seed, index) pair reproduces a tree.
 */
import { mkdirSync, writeFileSync, symlinkSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PAGE = 4096n;

// ---------------------------------------------------------------------------
// Names

const LIBS = [
  '/usr/lib/x86_64-linux-gnu/libc.so.6',
  '/usr/lib/x86_64-linux-gnu/libm.so.6',
  '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
  '/usr/lib/x86_64-linux-gnu/libpthread.so.0',
  '/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30',
  '/usr/lib/locale/C.utf8/LC_CTYPE',
  '/usr/lib/locale/locale-archive',
  '/lib64/ld-linux-x86-64.so.2',
  '/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache',
];
const EXES = ['/usr/bin/sleep', '/usr/bin/python3.11', '/usr/sbin/sshd', '/usr/local/bin/node', '/opt/app/bin/server', '/bin/bash'];
const COMMS = [
  'sleep', 'python3', 'sshd', 'node', 'server', 'bash', 'kworker/0:1', 'a b', '(sd-pam)', 'x) (y', ') (',
  'evil)', '((', 'tab\there', 'Tgid:\t7', 'Z', '', 'éü', 'x'.repeat(15), 'MainThread', 'my prog)',
];

/** Kernel d_path escaping of a name byte string (only '\n' as \012). */
function kernelEscape(buf) {
  const out = [];
  for (const b of buf) {
    if (b === 0x0a) out.push(0x5c, 0x30, 0x31, 0x32);
    else out.push(b);
  }
  return Buffer.from(out);
}

function oddPathComponent(rng) {
  return rng.weighted([
    [3, () => Buffer.from('with space')],
    [2, () => Buffer.from('tab\there')],
    [3, () => Buffer.from('caf\u00e9-\u65e5\u672c', 'utf8')],
    [2, () => Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0x80, 0x78])],
    [2, () => Buffer.from('nl\nname')],
    [1, () => Buffer.from('ctl\x01\x1b[31m\x7f')],
    [2, () => Buffer.from('\u2028sep\u00a0nbsp', 'utf8')],
    [1, () => Buffer.from([0xc3, 0x28, 0xe2, 0x82])],
    [1, () => Buffer.from('%s%n%x')],
    [1, () => Buffer.from('  leading')],
    [1, () => Buffer.from('trailing  ')],
    [1, () => Buffer.from('SYSV00000000')],
    [1, () => Buffer.from('[heap]')],
  ])();
}

function fileName(rng) {
  return rng.weighted([
    [10, () => Buffer.from(rng.pick(LIBS))],
    [3, () => Buffer.from(rng.pick(EXES))],
    [4, () => Buffer.concat([Buffer.from('/tmp/'), oddPathComponent(rng), Buffer.from('/lib.so')])],
    [4, () => Buffer.concat([Buffer.from('/srv/data/'), oddPathComponent(rng)])],
    [2, () => Buffer.from(`/usr/lib/x86_64-linux-gnu/libfoo.so.${rng.int(0, 9)} (deleted)`)],
    [2, () => Buffer.concat([Buffer.from('/home/u/'), oddPathComponent(rng), Buffer.from(' (deleted)')])],
    [1, () => Buffer.from('/dev/shm/pulse-shm-1234')],
    [1, () => Buffer.from('/dir/with/trailing/')],
    [1, () => Buffer.from('/')],
    [1, () => Buffer.from('/x/' + 'long'.repeat(rng.int(10, 60)))],
  ])();
}

// ---------------------------------------------------------------------------
// Mappings

/**
 * One mapping: { start, end: bigint, perms, offset: bigint, major, minor,
 * inode: bigint|string, name: Buffer|null, kind }
 */
function makeMappings(rng, { shmMinor, wide }) {
  const maps = [];
  let addr = wide ? 0x55d4c8a00000n + rng.bigBits(28) * PAGE : 0x08048000n + BigInt(rng.int(0, 64)) * PAGE;
  if (!wide && rng.chance(0.3)) addr = 0x00400000n;
  const push = (pages, fields) => {
    const start = addr;
    const end = addr + BigInt(pages) * PAGE;
    maps.push({ start, end, ...fields });
    addr = end + (rng.chance(0.5) ? 0n : BigInt(rng.int(1, 4096)) * PAGE);
  };
  const inodeFor = () => BigInt(rng.int(1, 9999999));
  const dev = () =>
    rng.weighted([
      [6, [0xfd, 0x01]],
      [3, [0x103, 0x02]],
      [2, [0x08, 0x11]],
      [1, [0x00, 0x1f]],
      [1, [0xfe, 0x00]],
      [1, [0xfff, 0xfffff]],
    ]);

  // the executable
  const exe = Buffer.from(rng.pick(EXES));
  const [emaj, emin] = dev();
  const eino = inodeFor();
  let off = 0n;
  for (const perms of ['r--p', 'r-xp', 'r--p', 'rw-p']) {
    const pages = rng.int(1, 40);
    push(pages, { perms, offset: off, major: emaj, minor: emin, inode: eino, name: exe, kind: 'file' });
    off += BigInt(pages) * PAGE;
  }
  if (rng.chance(0.8)) push(rng.int(1, 300), { perms: 'rw-p', offset: 0n, major: 0, minor: 0, inode: 0n, name: Buffer.from('[heap]'), kind: 'heap' });

  if (wide) addr = 0x7f0000000000n + rng.bigBits(26) * PAGE;
  const n = rng.int(0, 14);
  for (let i = 0; i < n; i++) {
    const kind = rng.weighted([
      [8, 'file'],
      [5, 'anon'],
      [2, 'sysv'],
      [2, 'memfd'],
      [1, 'guard'],
      [1, 'anonname'],
      [1, 'shared'],
    ]);
    const pages = rng.weighted([
      [6, rng.int(1, 16)],
      [3, rng.int(17, 2048)],
      [1, rng.int(2049, 1 << 18)],
    ]);
    if (kind === 'file') {
      const name = fileName(rng);
      const [maj, min] = dev();
      const ino = inodeFor();
      let o = 0n;
      const parts = rng.int(1, 4);
      for (let p = 0; p < parts; p++) {
        const perms = rng.pick(['r--p', 'r-xp', 'rw-p', '---p', 'r--s', 'rw-s', 'rwxp']);
        const pg = rng.int(1, 64);
        push(pg, { perms, offset: o, major: maj, minor: min, inode: ino, name, kind });
        o += BigInt(pg) * PAGE;
      }
    } else if (kind === 'anon') {
      push(pages, { perms: rng.pick(['rw-p', '---p', 'rwxp', 'r--p']), offset: 0n, major: 0, minor: 0, inode: 0n, name: null, kind });
    } else if (kind === 'guard') {
      push(pages, { perms: '---p', offset: 0n, major: 0, minor: 0, inode: 0n, name: null, kind });
    } else if (kind === 'sysv') {
      const shmid = BigInt(rng.weighted([[3, rng.int(0, 100)], [2, rng.int(100, 9999999)], [1, 0x7fffffff]]));
      const minor = rng.chance(0.85) ? shmMinor : rng.int(0, 40);
      const major = rng.chance(0.95) ? 0 : 0xfd;
      const perms = rng.chance(0.85) ? rng.pick(['rw-s', 'r--s']) : 'rw-p';
      const key = rng.chance(0.7) ? '00000000' : rng.u32().toString(16).padStart(8, '0');
      push(pages, { perms, offset: 0n, major, minor, inode: shmid, name: Buffer.from(`/SYSV${key} (deleted)`), kind });
    } else if (kind === 'memfd') {
      const nm = rng.pick(['memfd:wayland-shm', 'memfd:doublemapper', 'memfd:a/b', 'memfd: (deleted)', 'memfd:x']);
      push(pages, {
        perms: rng.pick(['rw-s', 'r--s', 'rw-p']), offset: 0n, major: 0, minor: 1, inode: inodeFor(),
        name: Buffer.from(`/${nm}${rng.chance(0.7) ? ' (deleted)' : ''}`), kind,
      });
    } else if (kind === 'anonname') {
      push(pages, { perms: 'rw-p', offset: 0n, major: 0, minor: 0, inode: 0n, name: Buffer.from(rng.pick(['[anon:libc_malloc]', '[anon:v8 heap/x]', '[anon_shmem:x]', '[stack:1234]'])), kind });
    } else {
      push(pages, { perms: 'rw-s', offset: 0n, major: 0, minor: 1, inode: inodeFor(), name: Buffer.from('/dev/zero (deleted)'), kind });
    }
  }
  // stack, vvar, vdso
  if (wide) addr = 0x7ffc00000000n + rng.bigBits(20) * PAGE;
  else addr = 0xbf800000n + BigInt(rng.int(0, 1000)) * PAGE;
  if (rng.chance(0.9)) push(rng.int(30, 40), { perms: 'rw-p', offset: 0n, major: 0, minor: 0, inode: 0n, name: Buffer.from('[stack]'), kind: 'stack' });
  if (rng.chance(0.7)) push(4, { perms: 'r--p', offset: 0n, major: 0, minor: 0, inode: 0n, name: Buffer.from('[vvar]'), kind: 'vvar' });
  if (rng.chance(0.8)) push(2, { perms: 'r-xp', offset: 0n, major: 0, minor: 0, inode: 0n, name: Buffer.from('[vdso]'), kind: 'vdso' });
  if (wide && rng.chance(0.5)) {
    maps.push({ start: 0xffffffffff600000n, end: 0xffffffffff601000n, perms: '--xp', offset: 0n, major: 0, minor: 0, inode: 0n, name: Buffer.from('[vsyscall]'), kind: 'vsyscall' });
  }
  return maps;
}

function hex(v, width = 8) {
  return v.toString(16).padStart(width, '0');
}

/** A kernel-style maps header line (no newline). */
function mapsLine(m, style) {
  const dev = `${hex(BigInt(m.major), 2)}:${hex(BigInt(m.minor), 2)}`;
  const head = `${hex(m.start)}-${hex(m.end)} ${m.perms} ${hex(m.offset)} ${dev} ${m.inode}`;
  const pre = Buffer.from(head, 'latin1');
  if (!m.name) {
    // pre-3.x kernels padded anonymous lines too
    return style.padAnon ? Buffer.from(head.padEnd(72, ' ') + ' ', 'latin1') : pre;
  }
  const pad = Math.max(1, 73 - head.length);
  return Buffer.concat([pre, Buffer.from(' '.repeat(pad)), kernelEscape(m.name)]);
}

// ---------------------------------------------------------------------------
// smaps field blocks

const KERNELS = ['2.6.16', '2.6.32', '3.10', '4.19', '6.x'];

function kb(name, value) {
  return `${(name + ':').padEnd(16)}${String(value).padStart(8)} kB`;
}

function smapsBlock(rng, m, kernel) {
  const size = (m.end - m.start) / 1024n;
  const sizeN = size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(size);
  const r = (max) => (max <= 0 ? 0 : rng.chance(0.3) ? 0 : rng.int(0, max) & ~3);
  const rss = r(Math.min(sizeN, 1 << 20));
  const pss = r(rss);
  const sharedClean = r(rss);
  const sharedDirty = r(rss - sharedClean);
  const privClean = r(rss - sharedClean - sharedDirty);
  const privDirty = rss - sharedClean - sharedDirty - privClean;
  const anon = m.name === null || m.kind === 'heap' || m.kind === 'stack' ? privDirty : 0;
  const swap = rng.chance(0.8) ? 0 : r(sizeN - rss);
  const locked = rng.chance(0.9) ? 0 : rss;
  const flags = [];
  if (m.perms[0] === 'r') flags.push('rd');
  if (m.perms[1] === 'w') flags.push('wr');
  if (m.perms[2] === 'x') flags.push('ex');
  if (m.perms[3] === 's') flags.push('sh');
  flags.push('mr', 'mw', 'me');
  if (m.perms[3] === 's') flags.push('ms');
  if (m.kind === 'stack') flags.push('gd', 'ac');
  if (m.kind === 'sysv' || m.kind === 'shared') flags.push('dd');
  if (rng.chance(0.2)) flags.push(rng.pick(['sd', 'nr', 'ht', 'nh', 'hg', 'mg', 'um', 'uw', 'ar', 'dc', 'de', 'io', 'sr', 'rr', 'lo', 'pf', 'bt', 'mt', 'ss']));
  const vmflags = `VmFlags: ${flags.map((f) => f + ' ').join('')}`;
  const lines = [kb('Size', size)];
  switch (kernel) {
    case '2.6.16':
      lines.push(kb('Rss', rss), kb('Shared_Clean', sharedClean), kb('Shared_Dirty', sharedDirty), kb('Private_Clean', privClean), kb('Private_Dirty', privDirty));
      break;
    case '2.6.32':
      lines.push(kb('Rss', rss), kb('Pss', pss), kb('Shared_Clean', sharedClean), kb('Shared_Dirty', sharedDirty), kb('Private_Clean', privClean), kb('Private_Dirty', privDirty), kb('Referenced', rss), kb('Swap', swap), kb('KernelPageSize', 4), kb('MMUPageSize', 4));
      break;
    case '3.10':
      lines.push(kb('Rss', rss), kb('Pss', pss), kb('Shared_Clean', sharedClean), kb('Shared_Dirty', sharedDirty), kb('Private_Clean', privClean), kb('Private_Dirty', privDirty), kb('Referenced', rss), kb('Anonymous', anon), kb('AnonHugePages', 0), kb('Swap', swap), kb('KernelPageSize', 4), kb('MMUPageSize', 4), kb('Locked', locked), vmflags);
      break;
    case '4.19':
      lines.push(kb('KernelPageSize', 4), kb('MMUPageSize', 4), kb('Rss', rss), kb('Pss', pss), kb('Shared_Clean', sharedClean), kb('Shared_Dirty', sharedDirty), kb('Private_Clean', privClean), kb('Private_Dirty', privDirty), kb('Referenced', rss), kb('Anonymous', anon), kb('LazyFree', 0), kb('AnonHugePages', 0), kb('ShmemPmdMapped', 0), kb('Shared_Hugetlb', 0), kb('Private_Hugetlb', 0), kb('Swap', swap), kb('SwapPss', 0), kb('Locked', locked), `THPeligible:    ${rng.int(0, 1)}`, `ProtectionKey:  ${String(rng.chance(0.8) ? 0 : rng.int(1, 15)).padStart(8)}`, vmflags);
      break;
    default:
      lines.push(kb('KernelPageSize', 4), kb('MMUPageSize', 4), kb('Rss', rss), kb('Pss', pss), kb('Pss_Dirty', privDirty), kb('Shared_Clean', sharedClean), kb('Shared_Dirty', sharedDirty), kb('Private_Clean', privClean), kb('Private_Dirty', privDirty), kb('Referenced', rss), kb('Anonymous', anon), kb('KSM', 0), kb('LazyFree', 0), kb('AnonHugePages', 0), kb('ShmemPmdMapped', 0), kb('FilePmdMapped', 0), kb('Shared_Hugetlb', 0), kb('Private_Hugetlb', 0), kb('Swap', swap), kb('SwapPss', 0), kb('Locked', locked), `THPeligible:    ${String(rng.int(0, 1)).padStart(8)}`);
      if (rng.chance(0.3)) lines.push(`ProtectionKey:  ${String(0).padStart(8)}`);
      lines.push(vmflags);
  }
  return lines.map((l) => Buffer.from(l + '\n', 'latin1'));
}

// ---------------------------------------------------------------------------
// stat / status / cmdline

function statFile(pid, comm, state, startStack, rng) {
  const f = [
    state, 1, pid, pid, 34816, pid, 4194304, 120, 0, 0, 0, 3, 1, 0, 0, 20, 0, 1, 0, rng.int(100, 99999999),
    69689344, 123, '18446744073709551615', 4194304, 4198400, startStack, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17, 1, 0, 0, 0, 0, 0,
    6299648, 6300000, 6303744, 140721895984344, 140721895984368, 140721895984368, 140721895987696, 0,
  ];
  return Buffer.concat([Buffer.from(`${pid} (`), comm, Buffer.from(`) ${f.join(' ')}\n`)]);
}

function statusFile(pid, comm, state, tgid, { withTgid, threads }) {
  const st = { R: 'R (running)', S: 'S (sleeping)', Z: 'Z (zombie)', D: 'D (disk sleep)', I: 'I (idle)' }[state] ?? 'S (sleeping)';
  const lines = [
    Buffer.concat([Buffer.from('Name:\t'), comm, Buffer.from('\n')]),
    Buffer.from(`Umask:\t0022\nState:\t${st}\n`),
  ];
  if (withTgid) lines.push(Buffer.from(`Tgid:\t${tgid}\n`));
  lines.push(
    Buffer.from(
      `Ngid:\t0\nPid:\t${pid}\nPPid:\t1\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t \n` +
        `VmPeak:\t    8136 kB\nVmSize:\t    8136 kB\nVmRSS:\t     896 kB\nThreads:\t${threads}\nSigQ:\t0/31616\nSigPnd:\t0000000000000000\n` +
        `ShdPnd:\t0000000000000000\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n` +
        `Cpus_allowed_list:\t0-1\nvoluntary_ctxt_switches:\t1\nnonvoluntary_ctxt_switches:\t0\n`,
    ),
  );
  return Buffer.concat(lines);
}

function cmdlineFile(rng, exe) {
  return rng.weighted([
    [8, () => Buffer.from(`${exe}\0--flag\0value with space\0`)],
    [3, () => Buffer.from(`${exe}\0`)],
    [2, () => Buffer.from(`${exe} --rewritten title`)],
    [2, () => Buffer.from(`${exe}\0a\tb\0c\nd\0\x01\x1b[0m\0`)],
    [2, () => Buffer.from(`${exe}\0caf\u00e9\0\u65e5\u672c\u8a9e\0\u{1f600}\0`, 'utf8')],
    [2, () => Buffer.concat([Buffer.from(`${exe}\0`), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80, 0xe2, 0x82, 0x00, 0x41])])],
    [1, () => Buffer.from(`${exe}\0\0\0`)],
    [1, () => Buffer.from(`\0\0${exe}`)],
    [1, () => Buffer.from(`${exe}\0${'x'.repeat(rng.int(200, 5000))}\0`)],
    [1, () => Buffer.from('\u0085\u00a0\u200b\u202e\u2028', 'utf8')],
    [1, () => Buffer.from([0x7f, 0x9b, 0xad, 0xa0, 0x20, 0x5c])],
  ])();
}

// ---------------------------------------------------------------------------
// the tree

function selfFiles(rng, shmMinor, files) {
  const lines = [];
  if (rng.chance(0.9)) {
    // SYSV lines at low addresses, so pmap's "start <= attach address" holds.
    const extra = rng.chance(0.2);
    if (extra) lines.push('00008000-00009000 rw-s 00000000 00:05 7                                  /dev/zero (deleted)');
    lines.push(`00010000-00011000 rw-s 00000000 00:${hex(BigInt(shmMinor), 2)} 32768                              /SYSV00000000 (deleted)`);
    if (rng.chance(0.2)) lines.push(`00012000-00013000 rw-s 00000000 00:${hex(BigInt((shmMinor + 3) & 0xff), 2)} 32769                              /SYSV00000000 (deleted)`);
  }
  lines.push(
    '5600aaa00000-5600aaa02000 r--p 00000000 fe:00 260500                     /usr/bin/pmap',
    '5600aaa02000-5600aaa05000 r-xp 00002000 fe:00 260500                     /usr/bin/pmap',
    '7f0000000000-7f0000026000 r--p 00000000 fe:00 339380                     /usr/lib/x86_64-linux-gnu/libc.so.6',
    '7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]',
  );
  files.set('self/maps', Buffer.from(lines.join('\n') + '\n'));
  files.set('self/status', statusFile(1000, Buffer.from('pmap'), 'R', 1000, { withTgid: true, threads: 1 }));
}

function pidPool(rng, count) {
  const set = new Set();
  while (set.size < count) {
    set.add(rng.weighted([[5, rng.int(2, 32768)], [2, rng.int(32769, 4194304)], [1, rng.int(1, 9)], [1, 2147483647 - rng.int(0, 3)]]));
  }
  return [...set];
}

/**
 * Generate tree number `index` for `seed`.
 * @param {import('./prng.mjs').Rng} rng
 */
export function generateTree(rng, { hostileShare = 0.25, skipOps = [] } = {}) {
  const files = new Map();
  const shmMinor = rng.weighted([[4, 1], [2, 5], [1, 0], [1, rng.int(2, 255)]]);
  selfFiles(rng, shmMinor, files);
  files.set('uptime', Buffer.from(`${rng.int(10, 999999)}.${rng.int(10, 99)} ${rng.int(10, 999999)}.${rng.int(10, 99)}\n`));

  const nproc = rng.weighted([[3, 1], [3, 2], [2, 3], [1, 5]]);
  const pids = pidPool(rng, nproc + 3);
  const procs = pids.slice(0, nproc);
  const missing = pids.slice(nproc);
  const addrs = [];
  const kinds = [];

  for (const pid of procs) {
    const kind = rng.weighted([[10, 'normal'], [2, 'kthread'], [2, 'zombie'], [2, 'thread'], [1, 'nostatus'], [1, 'nocmdline']]);
    kinds.push([pid, kind]);
    const wide = rng.chance(0.85);
    const kernel = rng.pick(KERNELS);
    const style = { padAnon: kernel.startsWith('2.') && rng.chance(0.7) };
    const comm = Buffer.from(rng.pick(COMMS), 'utf8').subarray(0, 15);
    const exe = rng.pick(EXES);
    const maps = kind === 'kthread' || kind === 'zombie' ? [] : makeMappings(rng, { shmMinor, wide });
    for (const m of maps) addrs.push(m.start, m.end);

    // start_stack: inside [stack], at a boundary, inside some other mapping, or 0
    let startStack = 0n;
    if (maps.length) {
      const stack = maps.find((m) => m.kind === 'stack');
      const target = stack && rng.chance(0.6) ? stack : rng.pick(maps);
      startStack = rng.weighted([
        [5, target.start + (target.end - target.start) / 2n + 8n],
        [1, target.start],
        [1, target.end],
        [1, target.end + 1n],
        [1, target.start - 1n],
      ]);
    }
    const state = kind === 'zombie' ? 'Z' : kind === 'kthread' ? rng.pick(['S', 'I']) : rng.pick(['S', 'R', 'D']);
    let tgid = pid;
    let dirPid = pid;
    if (kind === 'thread') {
      // a thread: this dir's status says Tgid is another PID dir (or a missing one)
      const leader = procs.find((p) => p !== pid) ?? (rng.chance(0.5) ? missing[0] : pid);
      tgid = leader;
    }
    const threads = kind === 'thread' ? rng.int(2, 9) : rng.chance(0.8) ? 1 : 0;
    const withTgid = kind === 'nostatus' ? false : rng.chance(0.95);
    files.set(`${dirPid}/stat`, statFile(pid, comm, state, startStack, rng));
    if (kind !== 'nostatus' || rng.chance(0.5)) files.set(`${dirPid}/status`, statusFile(pid, comm, state, tgid, { withTgid, threads }));
    if (kind === 'kthread' || kind === 'zombie' || kind === 'nocmdline') files.set(`${dirPid}/cmdline`, Buffer.alloc(0));
    else files.set(`${dirPid}/cmdline`, cmdlineFile(rng, exe));
    if (kind === 'nocmdline' && rng.chance(0.5)) files.delete(`${dirPid}/cmdline`);
    const mapsLines = maps.map((m) => Buffer.concat([mapsLine(m, style), Buffer.from('\n')]));
    if (kind === 'thread' && rng.chance(0.5)) {
      // threads usually have their own maps too (same mm); leave them out sometimes
    } else {
      files.set(`${dirPid}/maps`, Buffer.concat(mapsLines));
      const sm = [];
      maps.forEach((m, i) => {
        sm.push(mapsLines[i], ...smapsBlock(rng, m, kernel));
      });
      files.set(`${dirPid}/smaps`, Buffer.concat(sm));
    }
  }

  // operands
  const tokens = [];
  const ntok = rng.int(1, Math.min(6, procs.length + 2));
  for (let i = 0; i < ntok; i++) {
    const t = rng.weighted([
      [16, () => String(rng.pick(procs))],
      [4, () => String(rng.pick(missing))],
      [2, () => `/proc/${rng.pick(procs)}`],
      [1, () => `0x${rng.pick(procs).toString(16)}`],
      [1, () => `0${rng.pick(procs).toString(8)}`],
      [1, () => rng.pick(['/proc/self', '/proc/', '/proc/abc', `/proc//${rng.pick(procs)}`, `/proc/${rng.pick(missing)}`])],
    ])();
    tokens.push(t);
  }
  if (rng.chance(0.15) && tokens.length) tokens.push(tokens[0]);
  if (rng.chance(0.01)) {
    // around libproc2's limit on PIDs per call
    const n = rng.int(253, 258);
    while (tokens.length < n) tokens.push(String(rng.pick(pids)));
  }

  const env = rng.weighted([
    [30, { LANG: 'C.UTF-8' }],
    [30, { LANG: 'C' }],
    [2, { LANG: 'C.utf8' }],
    [2, { LANG: 'en_US.UTF-8' }],
    [2, { LC_ALL: 'C.UTF-8', LANG: 'C' }],
    [2, { LC_ALL: 'C', LANG: 'C.UTF-8' }],
    [2, { LC_CTYPE: 'C.UTF-8', LANG: 'C' }],
    [1, { LC_CTYPE: 'C.UTF-8' }],
    [1, { LANG: 'C.UTF-8', LC_MESSAGES: 'xx_YY.UTF-8' }],
    [1, { LANG: 'POSIX' }],
    [1, { LANG: 'c.utf8' }],
    [1, { LANG: 'C.UTF-8', LC_ALL: '' }],
    [1, { LANG: 'C.UTF8@euro' }],
    [1, { LANG: rng.pick(['C_XX.UTF-8', 'C.UTF-8@', 'C..UTF-8', 'C.UTF_8', 'C.utf8/', 'C.utf-8', 'POSIX.UTF-8', 'C@euro', ' C.UTF-8', 'C.UTF-8.UTF-8', '.UTF-8']) }],
    [1, { LANG: 'C', LC_CTYPE: rng.pick(['C.utf8@x', 'C.UTF-8', 'en_US.UTF-8', 'C_XX.utf8']) }],
  ]);
  const tree = { files, tokens, env: { ...env }, addrs, hostile: [], kinds };
  if (rng.chance(hostileShare)) applyHostile(rng, tree, skipOps);
  return tree;
}

// ---------------------------------------------------------------------------
// hostile mutations

/** A buffer's lines, each keeping its newline (the last may lack one). */
export function splitLines(buf) {
  const out = [];
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    const end = nl < 0 ? buf.length : nl + 1;
    out.push(buf.subarray(pos, end));
    pos = end;
  }
  return out;
}

/**
 * Insert a mapping line at a random place (with an smaps field block after
 * it in smaps); the random draws keep their order, so seeds reproduce.
 */
function insertMappingLine(rng, tree, file, lines, line) {
  const at = rng.int(0, lines.length);
  const ins = [Buffer.from(line + '\n', 'latin1')];
  if (file.endsWith('smaps')) ins.push(...smapsBlock(rng, { start: 0n, end: 4096n, perms: 'rw-p', name: null, kind: 'anon' }, rng.pick(KERNELS)));
  lines.splice(at, 0, ...ins);
  tree.files.set(file, Buffer.concat(lines));
  return true;
}

const HOSTILE = {
  truncate(rng, tree, file) {
    const b = tree.files.get(file);
    if (!Buffer.isBuffer(b) || b.length < 2) return false;
    tree.files.set(file, b.subarray(0, rng.int(1, b.length - 1)));
    return true;
  },
  empty(rng, tree, file) {
    tree.files.set(file, Buffer.alloc(0));
    return true;
  },
  nul(rng, tree, file) {
    const b = tree.files.get(file);
    if (!Buffer.isBuffer(b) || !b.length) return false;
    const c = Buffer.from(b);
    for (let i = rng.int(1, 3); i > 0; i--) c[rng.int(0, c.length - 1)] = 0;
    tree.files.set(file, c);
    return true;
  },
  garbageNumber(rng, tree, file) {
    const b = tree.files.get(file);
    if (!Buffer.isBuffer(b) || !b.length) return false;
    const s = b.toString('latin1');
    const nums = [...s.matchAll(/[0-9a-f]{2,}/g)];
    if (!nums.length) return false;
    const m = rng.pick(nums);
    const rep = rng.pick(['zz', '-1', '99999999999999999999999999', 'ffffffffffffffffffff', '18446744073709551616', '', '0x10', ' ', '4294967296', 'DEAD', '+5', '١٢']);
    tree.files.set(file, Buffer.from(s.slice(0, m.index) + rep + s.slice(m.index + m[0].length), 'latin1'));
    return true;
  },
  longLine(rng, tree, file) {
    const b = tree.files.get(file);
    if (!Buffer.isBuffer(b)) return false;
    const lines = splitLines(b);
    const len = rng.pick([1000, 1022, 1023, 1024, 1025, 1100, 2047, 2048, 2049, 3000, 5000]);
    const start = rng.chance(0.5) ? '7f1234560000-7f1234561000 rw-p 00000000 00:00 0' : '00400000-00401000 r-xp 00000000 fd:01 42';
    let line = start.padEnd(73, ' ') + '/';
    line += 'n'.repeat(Math.max(0, len - line.length - 1)) + (rng.chance(0.5) ? '/tail' : '');
    return insertMappingLine(rng, tree, file, lines, line);
  },
  longSmapsValue(rng, tree, file) {
    if (!file.endsWith('smaps')) return false;
    const b = tree.files.get(file);
    if (!Buffer.isBuffer(b)) return false;
    const lines = splitLines(b);
    const idx = lines.findIndex((l) => /^[A-Z][A-Za-z_]+:/.test(l.toString('latin1')));
    if (idx < 0) return false;
    const key = lines[idx].toString('latin1').split(':')[0];
    const val = rng.pick(['1'.repeat(25), '18446744073709551615', '18446744073709551616', '12 MB', 'x', '-3']);
    lines[idx] = Buffer.from(`${key}: ${val} kB\n`);
    if (rng.chance(0.3)) lines[idx] = Buffer.from(`${'Long_Key_Name_'.repeat(4)}: 4 kB\n`);
    tree.files.set(file, Buffer.concat(lines));
    return true;
  },
  fewFields(rng, tree, file) {
    const b = tree.files.get(file);
    if (!Buffer.isBuffer(b)) return false;
    const lines = splitLines(b);
    const heads = lines.map((l, i) => [l, i]).filter(([l]) => /^[0-9a-f]+-/.test(l.toString('latin1')));
    if (!heads.length) return false;
    const [l, i] = rng.pick(heads);
    const parts = l.toString('latin1').trimEnd().split(/ +/);
    const keep = rng.int(1, 5);
    lines[i] = Buffer.from(parts.slice(0, keep).join(' ') + '\n', 'latin1');
    tree.files.set(file, Buffer.concat(lines));
    return true;
  },
  dropLines(rng, tree, file) {
    const b = tree.files.get(file);
    if (!Buffer.isBuffer(b)) return false;
    const lines = splitLines(b);
    if (lines.length < 2) return false;
    for (let k = rng.int(1, 3); k > 0 && lines.length > 1; k--) lines.splice(rng.int(0, lines.length - 1), 1);
    tree.files.set(file, Buffer.concat(lines));
    return true;
  },
  crlf(rng, tree, file) {
    const b = tree.files.get(file);
    if (!Buffer.isBuffer(b)) return false;
    tree.files.set(file, Buffer.from(b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1'));
    return true;
  },
  unreadable(rng, tree, file) {
    tree.files.set(file, { symlink: rng.pick(['/nonexistent/dangling', file.split('/').pop()]) });
    return true;
  },
  remove(rng, tree, file) {
    tree.files.delete(file);
    return true;
  },
  hugeCmdline(rng, tree, file) {
    if (!file.endsWith('cmdline')) return false;
    const n = rng.pick([131071, 131072, 131073, 140000, 65536]);
    const parts = [];
    let len = 0;
    while (len < n) {
      const a = 'arg' + 'y'.repeat(rng.int(0, 200)) + (rng.chance(0.1) ? '\u00e9' : '');
      parts.push(a);
      len += Buffer.byteLength(a) + 1;
    }
    tree.files.set(file, Buffer.from(parts.join('\0')).subarray(0, n));
    return true;
  },
  weirdStat(rng, tree, file) {
    if (!file.endsWith('/stat')) return false;
    const b = tree.files.get(file);
    if (!Buffer.isBuffer(b)) return false;
    const s = b.toString('latin1');
    const v = rng.pick([
      () => s.replace(/\)/g, ''),
      () => s.slice(0, s.lastIndexOf(')') + 1),
      () => s.replace(/^\d+ \(/, '$&) ('),
      () => s.replace(/^(\d+ \()(.*)(\) )/, `$1${'c'.repeat(70)}$3`),
      () => s.replace(/\) [A-Z] /, ') Z '),
      () => s.split(' ').slice(0, 20).join(' '),
    ])();
    tree.files.set(file, Buffer.from(v, 'latin1'));
    return true;
  },
  weirdTgid(rng, tree, file) {
    if (!file.endsWith('/status')) return false;
    const b = tree.files.get(file);
    if (!Buffer.isBuffer(b)) return false;
    const s = b.toString('latin1');
    const rep = rng.pick(['Tgid:\t-5', 'Tgid:\tabc', 'Tgid:\t0', 'Tgid:\t99999999999', 'Tgid:  \t 12x', 'Tgid:\t2147483648', 'Tgid:\t4294967297', 'Tgid:']);
    const out = /Tgid:[^\n]*/.test(s) ? s.replace(/Tgid:[^\n]*/, rep) : rep + '\n' + s;
    tree.files.set(file, Buffer.from(out, 'latin1'));
    return true;
  },
  boundaryLine(rng, tree, file) {
    // a mapping line whose length (with its newline) sits on an fgets buffer edge
    const b = tree.files.get(file);
    if (!Buffer.isBuffer(b) || !/maps$/.test(file)) return false;
    const lines = splitLines(b);
    const edge = file.startsWith('self/') ? 256 : 1024;
    const total = edge + rng.int(-2, 2);
    const head = rng.chance(0.5) ? '7f0000001000-7f0000002000 rw-s 00000000 00:01 4242' : '00400000-00401000 r-xp 00000000 fd:01 42';
    let line = head.padEnd(73, ' ') + (rng.chance(0.3) ? '/SYSV00000000' : '/d');
    const tail = rng.pick(['/libx.so', ' (deleted)', '', '/']);
    line += 'm'.repeat(Math.max(0, total - 1 - line.length - tail.length)) + tail;
    return insertMappingLine(rng, tree, file, lines, line);
  },
  hugeValues(rng, tree, file) {
    if (!file.endsWith('smaps')) return false;
    const b = tree.files.get(file);
    if (!Buffer.isBuffer(b)) return false;
    const key = rng.pick(['Rss', 'Size', 'Private_Dirty', 'Shared_Dirty', 'Swap', 'Pss']);
    const val = rng.pick(['18446744073709551615', '9223372036854775807', '4294967295', '99999999999999999999', '184467440737095516150']);
    const re = new RegExp(`^${key}:( *)\\d+`, 'gm');
    tree.files.set(file, Buffer.from(b.toString('latin1').replace(re, (_m, sp) => `${key}:${sp}${val}`), 'latin1'));
    return true;
  },
  keyNoise(rng, tree, file) {
    if (!file.endsWith('smaps')) return false;
    const b = tree.files.get(file);
    if (!Buffer.isBuffer(b)) return false;
    const lines = splitLines(b);
    const noise = rng.pick(['Rss:\n', 'Rss: kB\n', 'Swap:\n', 'Swap: x kB\n', 'rss: 4 kB\n', 'Zzz: 4 kB\n', 'VmFlags:\n', 'VmFlags: RD MR\n', 'Size: 4\n', 'Swap:0 kB\n', ':4 kB\n', 'Rss 4 kB\n', 'Rss:\t4 kB\n', 'Shared_Dirty: -4 kB\n', 'Rss: +4 kB\n']);
    lines.splice(rng.int(0, lines.length), 0, Buffer.from(noise));
    tree.files.set(file, Buffer.concat(lines));
    return true;
  },
  dirFile(rng, tree, file) {
    if (!/maps$/.test(file) || file.startsWith('self/')) return false;
    tree.files.set(file, { dir: true });
    return true;
  },
  reversedRange(rng, tree, file) {
    const b = tree.files.get(file);
    if (!Buffer.isBuffer(b)) return false;
    const lines = splitLines(b);
    const heads = lines.map((l, i) => [l, i]).filter(([l]) => /^[0-9a-f]+-[0-9a-f]+ /.test(l.toString('latin1')));
    if (!heads.length) return false;
    const [l, i] = rng.pick(heads);
    const s = l.toString('latin1');
    const m = /^([0-9a-f]+)-([0-9a-f]+)(.*)$/s.exec(s);
    const variant = rng.int(0, 3);
    const ns = variant === 0 ? `${m[2]}-${m[1]}${m[3]}` : variant === 1 ? `${m[1]}-${m[1]}${m[3]}` : variant === 2 ? `${m[1].toUpperCase()}-${m[2].toUpperCase()}${m[3]}` : `${m[1]}-0${m[3]}`;
    lines[i] = Buffer.from(ns, 'latin1');
    tree.files.set(file, Buffer.concat(lines));
    return true;
  },
};

export const HOSTILE_OPS = Object.keys(HOSTILE);

function applyHostile(rng, tree, skipOps) {
  const n = rng.int(1, 4);
  const referenced = new Set(tree.tokens.map((t) => t.replace(/^\/proc\//, '')));
  for (let k = 0; k < n; k++) {
    const candidates = [...tree.files.keys()].filter((f) => Buffer.isBuffer(tree.files.get(f)));
    if (!candidates.length) return;
    const name = rng.pick(Object.keys(HOSTILE));
    if (skipOps.includes(name)) continue;
    let prefer = candidates.filter((f) => /(maps|smaps|cmdline|stat|status)$/.test(f) && !f.startsWith('self/'));
    const mine = prefer.filter((f) => referenced.has(f.split('/')[0]));
    if (mine.length && rng.chance(0.85)) prefer = mine;
    const file = rng.chance(0.9) && prefer.length ? rng.pick(prefer) : rng.pick(candidates);
    if (HOSTILE[name](rng, tree, file)) tree.hostile.push(`${name}:${file}`);
  }
}

// ---------------------------------------------------------------------------
// modes and disk

/** All modes: name -> args builder (tree -> args). */
export const MODES = {
  default: () => [],
  x: () => ['-x'],
  d: () => ['-d'],
  q: () => ['-q'],
  p: () => ['-p'],
  'x-q': () => ['-x', '-q'],
  'd-p': () => ['-d', '-p'],
  A: (tree, rng) => ['-A', rangeArg(tree, rng)],
  'x-A': (tree, rng) => ['-x', '-A', rangeArg(tree, rng)],
  'd-A': (tree, rng) => ['-d', `--range=${rangeArg(tree, rng)}`],
  X: () => ['-X'],
  XX: () => ['-XX'],
  'X-q': () => ['-X', '-q'],
};

function rangeArg(tree, rng) {
  const a = tree.addrs.length ? tree.addrs : [0x400000n, 0x7fffffffffffn];
  const lo = rng.pick(a) + (rng.chance(0.3) ? BigInt(rng.int(-4096, 4096)) : 0n);
  const hi = rng.pick(a) + (rng.chance(0.3) ? BigInt(rng.int(-4096, 4096)) : 0n);
  const h = (v) => (v < 0n ? 0n : v).toString(16);
  return rng.weighted([
    [1, rng.pick(['', ',', '0x1000,0x7fffffffffff', ' 400000', '-1', '1,2,3', 'g', '0,', ',0', 'ffffffffffffffffff', `${h(lo)}, ${h(hi)}`, `${h(lo)}x`, '7FFF0000,7fffffffffff'])],
    [4, `${h(lo < hi ? lo : hi)},${h(lo < hi ? hi : lo)}`],
    [1, h(lo)],
    [1, `${h(lo)},`],
    [1, `,${h(hi)}`],
    [1, `${h(hi)},${h(lo)}`],
  ]);
}

/** Materialise a tree under `dir` (removed first). */
export function writeTree(tree, dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [rel, v] of tree.files) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    if (Buffer.isBuffer(v)) writeFileSync(p, v);
    else if (v.dir) mkdirSync(p, { recursive: true });
    else symlinkSync(v.symlink, p);
  }
}

/** Deep-ish copy of a tree (Buffers are immutable by convention). */
export function cloneTree(tree) {
  return { ...tree, files: new Map(tree.files), tokens: [...tree.tokens], env: { ...tree.env } };
}
