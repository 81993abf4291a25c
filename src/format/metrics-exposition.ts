/**
 * The Prometheus text exposition of a scrape, built with prom-client's
 * Registry and Gauges (loaded only here): one `tspmap_` prefix, base units
 * (`_bytes`, `_seconds`), HELP and TYPE once per metric with its samples
 * together, escaped label values, a final newline.
 */
import type { GroupSample, MemorySums } from './metrics-usage.js';

export interface ScrapeFacts {
  groups: readonly GroupSample[];
  maxMapCount: number | null;
  durationSeconds: number;
  /** Processes matched but neither read nor cached when the deadline struck. */
  unreadAtDeadline: number;
  /** Whether this scrape stopped reading at its deadline. */
  partial: boolean;
  /** Scrapes cut short by the deadline since the exporter started (serve only). */
  deadlineExceededTotal?: number;
}

/** Per-category gauges: metric name, HELP text, and the kB field published in bytes. */
const CATEGORY_GAUGES: ReadonlyArray<readonly [string, string, keyof MemorySums]> = [
  ['tspmap_size_bytes', 'Mapped address space (VSZ) of the processes, by category.', 'size'],
  ['tspmap_rss_bytes', 'Resident set size (smaps Rss), by category.', 'rss'],
  ['tspmap_pss_bytes', 'Proportional set size (smaps Pss), by category.', 'pss'],
  ['tspmap_uss_bytes', 'Unique set size: Private_Clean + Private_Dirty, by category.', 'uss'],
  ['tspmap_shared_bytes', 'Resident pages shared with other processes: Shared_Clean + Shared_Dirty, by category.', 'shared'],
  ['tspmap_swap_bytes', 'Swapped-out memory (smaps Swap), by category.', 'swap'],
  ['tspmap_swap_pss_bytes', 'Proportional swap (smaps SwapPss), by category.', 'swapPss'],
  ['tspmap_anonymous_bytes', 'Resident anonymous pages (smaps Anonymous), by category.', 'anonymous'],
  ['tspmap_reserved_bytes', 'Address space reserved without access (PROT_NONE mappings), by category.', 'reserved'],
  ['tspmap_committed_bytes', 'Address space charged to the commit limit (VmFlags ac), by category.', 'committed'],
];

type PromClient = typeof import('prom-client');

async function loadPromClient(): Promise<PromClient> {
  const loaded = (await import('prom-client')) as PromClient & { default?: PromClient };
  return loaded.default ?? loaded;
}

/** prom-client's content type for this format: text/plain; version=0.0.4; charset=utf-8. */
export async function expositionContentType(): Promise<string> {
  return (await loadPromClient()).Registry.PROMETHEUS_CONTENT_TYPE;
}

function groupLabels(sample: GroupSample): Record<string, string> {
  return sample.pid !== undefined ? { group: sample.group, pid: String(sample.pid) } : { group: sample.group };
}

/** The exposition text of one scrape. */
export async function renderExposition(facts: ScrapeFacts, perPid: boolean): Promise<string> {
  const client = await loadPromClient();
  const registry = new client.Registry();
  const base = perPid ? ['group', 'pid'] : ['group'];
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new client.Gauge({ name, help, labelNames, registers: [registry] });

  for (const [name, help, field] of CATEGORY_GAUGES) {
    const metric = gauge(name, help, [...base, 'category']);
    for (const sample of facts.groups) {
      for (const [category, sums] of sample.byCategory) {
        metric.set({ ...groupLabels(sample), category }, sums[field] * 1024);
      }
    }
  }
  const mappings = gauge('tspmap_mappings', 'Number of mappings (lines of /proc/PID/maps), by category.', [...base, 'category']);
  const largest = gauge('tspmap_process_mappings_max', 'The largest mapping count of one process in the group (vm.max_map_count is a per-process limit).', base);
  const resident = gauge('tspmap_resident_bytes', 'Resident memory by type from /proc/PID/status (RssAnon, RssFile, RssShmem).', [...base, 'type']);
  const processes = gauge('tspmap_processes', 'Number of processes in the group whose memory was read.', base);
  const errors = gauge('tspmap_read_errors', 'Processes in the group whose memory could not be read in this scrape (e.g. permission denied).', base);
  for (const sample of facts.groups) {
    const labels = groupLabels(sample);
    for (const [category, sums] of sample.byCategory) mappings.set({ ...labels, category }, sums.mappings);
    if (sample.processes > 0) largest.set(labels, sample.maxProcessMappings);
    for (const type of ['anon', 'file', 'shmem'] as const) {
      if (sample.processes > 0 && sample.residentKnown[type]) resident.set({ ...labels, type }, sample.resident[type] * 1024);
    }
    processes.set(labels, sample.processes);
    errors.set(labels, sample.readErrors);
  }
  if (facts.maxMapCount !== null) {
    gauge('tspmap_mappings_limit', 'The kernel limit on mappings per process (sysctl vm.max_map_count).').set(facts.maxMapCount);
  }
  gauge('tspmap_scrape_duration_seconds', 'Time spent reading /proc for this scrape.').set(facts.durationSeconds);
  gauge('tspmap_scrape_partial', '1 when the scrape stopped at its deadline and published only what it had read.').set(facts.partial ? 1 : 0);
  gauge('tspmap_scrape_unread_processes', 'Matched processes neither read nor cached when the scrape deadline struck.').set(facts.unreadAtDeadline);
  if (facts.deadlineExceededTotal !== undefined) {
    new client.Counter({
      name: 'tspmap_scrape_deadline_exceeded_total',
      help: 'Scrapes cut short by the deadline since the exporter started.',
      registers: [registry],
    }).inc(facts.deadlineExceededTotal);
  }
  return registry.metrics();
}
