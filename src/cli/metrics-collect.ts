/**
 * One scrape: list or take the processes, group them, read each one's
 * memory and sum it per group. Shared by `tspmap metrics` and `tspmap
 * serve`. A process that exits or appears mid-scrape, or whose memory is
 * not readable, is an ordinary outcome (the last is counted per group),
 * never a message. Reads are synchronous, so the loop yields to the event
 * loop now and then and stops at its deadline, publishing what it has.
 */
import { ScannedMapping, SmapsUsageScanner } from '../parse/smaps-usage.js';
import { parseMapsEntries } from '../parse/maps.js';
import { parseStat } from '../parse/stat.js';
import { parseTgid } from '../parse/status.js';
import { parseStartTime, statusKb } from '../parse/proc-fields.js';
import type { ProcFS } from '../proc/procfs.js';
import { ProcessIdentityText, listProcessIds, readIdentity, readMaxMapCount, readMemoryFile } from '../proc/process-scan.js';
import { categoriesOfMappings } from '../format/metrics-categories.js';
import { Grouping, ProcessNaming, groupOf } from '../format/metrics-grouping.js';
import { cmdlineArgs, decodeBytes } from '../format/json.js';
import {
  GroupSample, ProcessUsage, ResidentByType, UsageBuilder, addToGroup, emptyGroup, rollupAgrees, totalOf, usageFromRollup,
} from '../format/metrics-usage.js';
import type { ScrapeFacts } from '../format/metrics-exposition.js';

export interface CollectorOptions {
  fs: ProcFS;
  /** Explicit PIDs, or null for every process. */
  pids: readonly number[] | null;
  grouping: Grouping;
  perPid: boolean;
  /** Totals from smaps_rollup (no category split) instead of smaps. */
  rollup: boolean;
  /** A process is re-read at most once per this many ms; 0 reads every time. */
  intervalMs: number;
  /** Stop reading after this many ms (null: no deadline). */
  deadlineMs: number | null;
  /** One line for an event worth a log line (the caller decides where it goes). */
  notice: (line: string) => void;
}

interface CacheEntry {
  startTime: string;
  usage: ProcessUsage;
  readAt: number;
}

export interface Collected extends ScrapeFacts {
  /** Explicit PIDs that were not found. */
  missing: number[];
}

const YIELD_EVERY = 8;
const VANISHED = new Set(['ENOENT', 'ESRCH']);

function residentOf(status: string): ResidentByType {
  return { anon: statusKb(status, 'RssAnon'), file: statusKb(status, 'RssFile'), shmem: statusKb(status, 'RssShmem') };
}

function namingOf(identity: ProcessIdentityText, startTime: string): ProcessNaming {
  const comm = parseStat(identity.stat).comm ?? '';
  return { pid: identity.pid, comm: decodeBytes(comm).text, argv: cmdlineArgs(identity.cmdline), startTime };
}

type MemoryOutcome = { kind: 'usage'; usage: ProcessUsage } | { kind: 'gone' } | { kind: 'error' } | { kind: 'empty' };

export class Collector {
  private readonly cache = new Map<number, CacheEntry>();
  private deadlineExceeded = 0;
  /** null until the first rollup read has been checked against smaps. */
  private rollupTrusted: boolean | null = null;

  constructor(private readonly options: CollectorOptions) {}

  /** Read every process once (or take it from the cache) and sum per group. */
  async collect(now: () => number = Date.now): Promise<Collected> {
    const { fs, pids } = this.options;
    const started = now();
    const targets = pids ?? listProcessIds(fs);
    const groups = new Map<string, GroupSample>();
    const missing: number[] = [];
    const seen = new Set<number>();
    let unread = 0;
    let partial = false;
    for (let index = 0; index < targets.length; index++) {
      if (index % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
      const identity = this.identityOf(targets[index]!);
      if (!identity) {
        if (pids) missing.push(targets[index]!);
        continue;
      }
      if (seen.has(identity.pid)) continue;
      seen.add(identity.pid);
      const startTime = parseStartTime(identity.stat) ?? '';
      const group = groupOf(namingOf(identity, startTime), this.options.grouping);
      if (group === null) continue;
      const overDeadline = this.options.deadlineMs !== null && now() - started > this.options.deadlineMs;
      partial ||= overDeadline;
      const outcome = this.usageOf(identity, startTime, now(), overDeadline);
      if (outcome === null) {
        unread++;
        continue;
      }
      if (outcome.kind === 'gone' || outcome.kind === 'empty') continue;
      const key = this.options.perPid ? `${group}\0${identity.pid}` : group;
      let sample = groups.get(key);
      if (!sample) groups.set(key, (sample = emptyGroup(group, this.options.perPid ? identity.pid : undefined)));
      if (outcome.kind === 'error') sample.readErrors++;
      else addToGroup(sample, outcome.usage);
    }
    for (const pid of this.cache.keys()) if (!seen.has(pid)) this.cache.delete(pid);
    if (partial) this.deadlineExceeded++;
    return {
      groups: [...groups.values()],
      maxMapCount: readMaxMapCount(fs),
      durationSeconds: (now() - started) / 1000,
      unreadAtDeadline: unread,
      partial,
      deadlineExceededTotal: this.deadlineExceeded,
      missing,
    };
  }

  /** The identity of a process; an explicit thread id is taken to its thread group. */
  private identityOf(pid: number): ProcessIdentityText | null {
    const identity = readIdentity(this.options.fs, pid);
    if (!identity || !this.options.pids) return identity;
    const tgid = parseTgid(identity.status);
    return tgid !== null && tgid > 0 && tgid !== pid ? readIdentity(this.options.fs, tgid) : identity;
  }

  /** Null when the deadline left the process unread and uncached. */
  private usageOf(identity: ProcessIdentityText, startTime: string, at: number, overDeadline: boolean): MemoryOutcome | null {
    const cached = this.cache.get(identity.pid);
    const valid = cached && cached.startTime === startTime ? cached : undefined;
    if (valid && (overDeadline || at - valid.readAt < this.options.intervalMs)) return { kind: 'usage', usage: valid.usage };
    if (overDeadline) return null;
    const outcome = this.readUsage(identity);
    if (outcome.kind === 'usage') this.cache.set(identity.pid, { startTime, usage: outcome.usage, readAt: at });
    else this.cache.delete(identity.pid);
    return outcome;
  }

  private readUsage(identity: ProcessIdentityText): MemoryOutcome {
    const resident = residentOf(identity.status);
    if (this.options.rollup && this.rollupTrusted !== false) {
      const rolled = this.readRollup(identity.pid, resident);
      // readRollup() may have just learnt that this kernel has no smaps_rollup.
      if ((this.rollupTrusted as boolean | null) === false) return this.readSmaps(identity, resident);
      if (rolled.kind !== 'usage' || this.rollupTrusted === true) return rolled;
      const full = this.readSmaps(identity, resident);
      if (full.kind !== 'usage') return rolled;
      this.rollupTrusted = rollupAgrees(totalOf(rolled.usage), totalOf(full.usage));
      if (!this.rollupTrusted) {
        this.options.notice(`smaps_rollup of PID ${identity.pid} disagrees with its smaps; reading smaps from now on`);
        return full;
      }
      return rolled;
    }
    return this.readSmaps(identity, resident);
  }

  private readSmaps(identity: ProcessIdentityText, resident: ResidentByType): MemoryOutcome {
    const startStack = parseStat(identity.stat).startStack;
    const builder = new UsageBuilder(resident);
    const scanned: ScannedMapping[] = [];
    const scanner = new SmapsUsageScanner((mapping) => scanned.push(mapping));
    const read = this.options.fs.streamProcessFile(String(identity.pid), 'smaps', (block) => scanner.feed(block));
    if (!read.ok) return { kind: VANISHED.has(read.code) ? 'gone' : 'error' };
    scanner.end();
    // The rule table classifies a process's mappings together (neighbours, runtimes).
    const categories = categoriesOfMappings(scanned, startStack);
    scanned.forEach((mapping, i) => builder.add(mapping, categories[i]!));
    const usage = builder.usage();
    return usage.mappings === 0 ? { kind: 'empty' } : { kind: 'usage', usage };
  }

  private readRollup(pid: number, resident: ResidentByType): MemoryOutcome {
    const rollup = readMemoryFile(this.options.fs, pid, 'smaps_rollup');
    if (!rollup.ok) {
      // ESRCH is a kernel thread or a process that just exited; ENOENT while
      // the process is still there means a kernel before 4.14 (no smaps_rollup).
      if (rollup.code === 'ENOENT' && this.options.fs.hasProcessDir(String(pid))) {
        this.rollupTrusted = false;
        this.options.notice('this kernel has no smaps_rollup; reading smaps');
      }
      return { kind: VANISHED.has(rollup.code) ? 'gone' : 'error' };
    }
    let total: ScannedMapping | undefined;
    const scanner = new SmapsUsageScanner((mapping) => (total = mapping));
    scanner.feed(rollup.text);
    scanner.end();
    if (!total) return { kind: 'empty' };
    const maps = readMemoryFile(this.options.fs, pid, 'maps');
    if (!maps.ok) return { kind: VANISHED.has(maps.code) ? 'gone' : 'error' };
    return { kind: 'usage', usage: usageFromRollup(total, parseMapsEntries(maps.text), resident) };
  }
}
