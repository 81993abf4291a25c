/**
 * The report page's script, bundled (with d3-hierarchy and uPlot) into the
 * HTML file by scripts/build.mjs. It reads the data block the CLI wrote
 * (src/format/report-data.ts) and draws; it never makes a request.
 */
import { hierarchy, treemap, treemapSquarify, HierarchyRectangularNode } from 'd3-hierarchy';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './style.css';

type Exact = number | string;

interface TreeNode { name: string; value?: number; detail?: string; children?: TreeNode[] }

interface ProcessReport {
  pid: number;
  command: string;
  time: string;
  total: Record<string, Exact>;
  categories: Array<Record<string, Exact>>;
  objects: Array<Record<string, Exact>>;
  moreObjects: number;
  accounting: {
    reserved: Exact; committed: Exact; rss: Record<string, Exact>; pss?: Record<string, Exact>;
    swap: Exact; swapPss: Exact; thp: Exact; hugetlb: Exact; mappings: number; maxMapCount?: number;
  };
  warning: string | null;
  tree: TreeNode;
  strip: {
    pieces: Array<[number, number, string, string]>;
    gaps: Array<[number, number, Exact]>;
    largestGap: { after: string; before: string; kB: Exact; at: number } | null;
  };
}

interface ReportData {
  generator: string;
  kernel: string | null;
  categories: string[];
  processes: ProcessReport[];
  timeline: { times: string[]; series: Record<string, number[]> } | null;
  growers: Array<{ pid: number; object: string; category: string; first: number; last: number }>;
}

const data = JSON.parse(document.getElementById('report-data')!.textContent!) as ReportData;
const COLUMNS = ['size', 'rss', 'pss', 'private', 'shared', 'swap', 'mappings'] as const;
const HEADINGS = ['Size', 'RSS', 'PSS', 'Private', 'Shared', 'Swap', 'Maps'];

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** kB with thousands separators (exact digits kept for values past 2^53). */
function kB(value: Exact): string {
  const digits = String(value);
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A short human size for kB. */
function human(value: Exact): string {
  let n = Number(value);
  for (const unit of ['KiB', 'MiB', 'GiB', 'TiB', 'PiB']) {
    if (n < 1024 || unit === 'PiB') return `${n < 10 && unit !== 'KiB' ? n.toFixed(1) : Math.round(n)} ${unit}`;
    n /= 1024;
  }
  return String(value);
}

function colour(category: string): string {
  return data.categories.includes(category) && /^[a-z]+$/.test(category) ? `var(--c-${category})` : 'var(--c-other)';
}

const HATCHED = new Set(['guard', 'reserved']);

// One tooltip for the page: any element with data-tip shows it on hover.
const tip = el('div', { class: 'tip', role: 'tooltip' });
document.body.appendChild(tip);
document.addEventListener('mousemove', (event) => {
  const target = (event.target as HTMLElement).closest<HTMLElement>('[data-tip]');
  if (!target) { tip.style.display = 'none'; return; }
  tip.textContent = target.dataset.tip!;
  tip.style.display = 'block';
  const x = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
  const y = Math.min(event.clientY + 14, window.innerHeight - tip.offsetHeight - 8);
  tip.style.left = `${x}px`;
  tip.style.top = `${y}px`;
});

function header(process: ProcessReport, section: HTMLElement): void {
  section.appendChild(el('h1', {}, `${process.pid}: ${process.command}`));
  section.appendChild(el('p', { class: 'meta' }, `read ${process.time} · kernel ${data.kernel ?? 'unknown'} · ${data.generator}`));
  const totals = el('div', { class: 'totals' });
  const t = process.total;
  for (const [key, label] of [['size', 'Size (VSZ)'], ['rss', 'RSS'], ['pss', 'PSS'], ['private', 'Private (USS)'], ['swap', 'Swap'], ['mappings', 'Mappings']] as const) {
    const box = el('div', { 'data-tip': key === 'mappings' ? `${t[key]} mappings` : `${kB(t[key]!)} kB` });
    const value = el('b', { class: `total-${key}`, 'data-value': String(t[key]) }, key === 'mappings' ? kB(t[key]!) : `${kB(t[key]!)} kB`);
    box.append(value, el('span', {}, key === 'mappings' ? label : `${label} · ${human(t[key]!)}`));
    totals.appendChild(box);
  }
  section.appendChild(totals);
  const a = process.accounting;
  const lines = [
    `Reserved ${kB(a.reserved)} kB (PROT_NONE, nothing resident) · committed ${kB(a.committed)} kB`,
    `RSS by backing: anon ${kB(a.rss.anon!)} kB · file ${kB(a.rss.file!)} kB · shmem ${kB(a.rss.shmem!)} kB` +
      (a.pss ? ` · PSS (smaps_rollup): anon ${kB(a.pss.anon!)} kB · file ${kB(a.pss.file!)} kB · shmem ${kB(a.pss.shmem!)} kB` : ''),
    `Swap ${kB(a.swap)} kB · SwapPss ${kB(a.swapPss)} kB · THP ${kB(a.thp)} kB · hugetlb ${kB(a.hugetlb)} kB` +
      (a.maxMapCount !== undefined ? ` · ${kB(a.mappings)} of vm.max_map_count ${kB(a.maxMapCount)} mappings` : ''),
  ];
  for (const line of lines) section.appendChild(el('p', { class: 'accounting' }, line));
  if (process.warning) section.appendChild(el('p', { class: 'warning', role: 'alert' }, `Warning: ${process.warning}`));
}

function legend(categories: Iterable<string>): HTMLElement {
  const box = el('div', { class: 'legend' });
  for (const category of categories) {
    const item = el('span');
    const swatch = el('span', { class: `swatch${HATCHED.has(category) ? ' hatched' : ''}` });
    swatch.style.background = colour(category);
    item.append(swatch, document.createTextNode(category));
    box.appendChild(item);
  }
  return box;
}

function place(node: HTMLElement, rect: HierarchyRectangularNode<TreeNode>, parent: HierarchyRectangularNode<TreeNode> | null): void {
  node.style.left = `${rect.x0 - (parent?.x0 ?? 0)}px`;
  node.style.top = `${rect.y0 - (parent?.y0 ?? 0)}px`;
  node.style.width = `${Math.max(0, rect.x1 - rect.x0)}px`;
  node.style.height = `${Math.max(0, rect.y1 - rect.y0)}px`;
}

function drawTreemap(process: ProcessReport, section: HTMLElement): void {
  section.appendChild(el('h2', {}, 'Where the memory goes (PSS; RSS where PSS is missing)'));
  const box = el('div', { class: 'treemap', role: 'img', 'aria-label': 'Treemap of memory by category, object and mapping' });
  section.appendChild(box);
  const width = box.clientWidth || 1100;
  const height = box.clientHeight || 480;
  const root = hierarchy(process.tree).sum((d) => d.value ?? 0).sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  const laid = treemap<TreeNode>().tile(treemapSquarify).size([width, height]).paddingInner(1)
    .paddingTop((d) => (d.depth === 1 || d.depth === 2 ? 15 : 0)).round(true)(root);
  const total = laid.value || 1;
  const categoriesShown: string[] = [];
  for (const category of laid.children ?? []) {
    categoriesShown.push(category.data.name);
    const catNode = el('div', { class: 'tm tm-cat', 'data-category': category.data.name, 'data-tip': `${category.data.name}: ${kB(category.value!)} kB (${((100 * category.value!) / total).toFixed(1)}%)` });
    place(catNode, category, laid);
    catNode.style.background = colour(category.data.name);
    catNode.appendChild(el('span', { class: 'tm-label' }, `${category.data.name} ${human(category.value!)}`));
    for (const object of category.children ?? []) {
      const objNode = el('div', { class: 'tm tm-obj', 'data-tip': `${object.data.name}\n${category.data.name}: ${kB(object.value!)} kB` });
      place(objNode, object, category);
      for (const leaf of object.children ?? []) {
        const leafNode = el('div', { class: 'tm tm-leaf', 'data-tip': `${leaf.data.name} (${object.data.name})\n${leaf.data.detail ?? ''}\nweight ${kB(leaf.value!)} kB` });
        place(leafNode, leaf, object);
        leafNode.style.background = colour(category.data.name);
        leafNode.style.filter = 'brightness(1.08)';
        objNode.appendChild(leafNode);
      }
      if (object.x1 - object.x0 > 60) objNode.appendChild(el('span', { class: 'tm-label' }, object.data.name.split('/').pop() || object.data.name));
      catNode.appendChild(objNode);
    }
    box.appendChild(catNode);
  }
  section.appendChild(legend(categoriesShown));
}

function drawStrip(process: ProcessReport, section: HTMLElement): void {
  section.appendChild(el('h2', {}, 'Address space (low → high; large gaps drawn compressed)'));
  const strip = el('div', { class: 'strip', role: 'img', 'aria-label': 'Address space strip coloured by category' });
  const seen = new Set<string>();
  for (const [from, to, category, label] of process.strip.pieces) {
    seen.add(category);
    const piece = el('div', { class: `strip-piece${HATCHED.has(category) ? ' hatched' : ''}`, 'data-category': category, 'data-tip': `${category}: ${label}` });
    piece.style.left = `${from * 100}%`;
    piece.style.width = `${Math.max((to - from) * 100, 0.05)}%`;
    piece.style.background = colour(category);
    strip.appendChild(piece);
  }
  for (const [at, width, size] of process.strip.gaps) {
    const gap = el('div', { class: 'strip-gap', 'data-tip': `unmapped gap of ${kB(size)} kB (${human(size)}), drawn compressed` });
    gap.style.left = `${at * 100}%`;
    gap.style.width = `${width * 100}%`;
    strip.appendChild(gap);
  }
  const largest = process.strip.largestGap;
  if (largest) {
    // The label is anchored in proportion to where the gap is, so it stays inside the strip.
    const mark = el('div', { class: 'strip-largest', id: `largest-gap-${process.pid}`, 'data-tip': `${kB(largest.kB)} kB unmapped between ${largest.after} and ${largest.before}` },
      `largest free gap ${human(largest.kB)} (${largest.after}-${largest.before})`);
    mark.style.left = `${largest.at * 100}%`;
    mark.style.transform = `translateX(-${largest.at * 100}%)`;
    const tick = el('div', { class: 'strip-tick' });
    tick.style.left = `${largest.at * 100}%`;
    strip.append(tick, mark);
  }
  section.appendChild(strip);
  section.appendChild(legend(data.categories.filter((c) => seen.has(c))));
}

function sortable(table: HTMLTableElement): void {
  const heads = [...table.tHead!.rows[0]!.cells];
  heads.forEach((th, column) => {
    th.tabIndex = 0;
    const sort = (): void => {
      const descending = th.getAttribute('aria-sort') !== 'descending';
      heads.forEach((other) => other.removeAttribute('aria-sort'));
      th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      const body = table.tBodies[0]!;
      const rows = [...body.rows];
      rows.sort((a, b) => {
        const x = a.cells[column]!.dataset.value ?? a.cells[column]!.textContent!;
        const y = b.cells[column]!.dataset.value ?? b.cells[column]!.textContent!;
        const order = column === 0 ? x.localeCompare(y) : Number(x) - Number(y);
        return descending ? -order : order;
      });
      for (const row of rows) body.appendChild(row);
    };
    th.addEventListener('click', sort);
    th.addEventListener('keydown', (event) => { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); sort(); } });
  });
}

function usageTable(first: string, rows: Array<Record<string, Exact>>, key: string, total: Record<string, Exact> | null, className: string): HTMLTableElement {
  const table = el('table', { class: className });
  const head = table.createTHead().insertRow();
  for (const heading of [first, ...HEADINGS]) head.appendChild(el('th', { scope: 'col' }, heading));
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    const name = el('td', { class: 'name', 'data-tip': String(row[key]) });
    if (row.category !== undefined) {
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = colour(String(row.category));
      name.appendChild(swatch);
    }
    name.appendChild(document.createTextNode(String(row[key])));
    tr.appendChild(name);
    for (const column of COLUMNS) tr.appendChild(el('td', { 'data-value': String(row[column]) }, kB(row[column]!)));
  }
  if (total) {
    const foot = table.createTFoot().insertRow();
    foot.className = 'total';
    foot.appendChild(el('td', {}, 'total'));
    for (const column of COLUMNS) foot.appendChild(el('td', { 'data-value': String(total[column]) }, kB(total[column]!)));
  }
  sortable(table);
  return table;
}

function drawTables(process: ProcessReport, section: HTMLElement): void {
  section.appendChild(el('h2', {}, 'By category (kB; click a heading to sort)'));
  section.appendChild(usageTable('Category', process.categories, 'category', process.total, 'summary-table'));
  section.appendChild(el('h2', {}, `By object (largest ${process.objects.length}${process.moreObjects ? `; ${process.moreObjects} more not listed` : ''})`));
  section.appendChild(usageTable('Mapped object', process.objects, 'object', null, 'object-table'));
}

function drawTimeline(container: HTMLElement): void {
  const timeline = data.timeline;
  if (!timeline) return;
  container.appendChild(el('h2', {}, `PSS over time, stacked by category (${timeline.times.length} samples, all processes)`));
  const box = el('div', { class: 'timeline', id: 'timeline' });
  container.appendChild(box);
  const xs = timeline.times.map((t) => Date.parse(t) / 1000);
  const categories = data.categories.filter((c) => (timeline.series[c] ?? []).some((v) => v > 0));
  const stacked: number[][] = [];
  let running = xs.map(() => 0);
  for (const category of categories) {
    running = running.map((v, i) => v + timeline.series[category]![i]!);
    stacked.push(running);
  }
  // Draw the top of the stack first so each band fills down to the one below.
  const order = categories.map((_, i) => i).reverse();
  const styles = getComputedStyle(document.documentElement);
  const resolved = (category: string): string => styles.getPropertyValue(`--c-${category}`).trim() || '#777';
  const series: uPlot.Series[] = [{}];
  const lines: number[][] = [];
  for (const i of order) {
    series.push({ label: categories[i]!, stroke: resolved(categories[i]!), fill: resolved(categories[i]!), width: 1, value: (_u, v) => (v == null ? '' : `${kB(Math.round(v))} kB`) });
    lines.push(stacked[i]!);
  }
  const axisColour = styles.getPropertyValue('--fg').trim() || '#000';
  const grid = styles.getPropertyValue('--line').trim() || '#ccc';
  new uPlot({
    width: Math.max(box.clientWidth, 600), height: 280,
    series,
    axes: [
      { stroke: axisColour, grid: { stroke: grid } },
      { stroke: axisColour, grid: { stroke: grid }, size: 80, values: (_u, ticks) => ticks.map((v) => human(v)) },
    ],
    legend: { live: true },
  }, [xs, ...lines], box);
  if (data.growers.length > 0) {
    container.appendChild(el('h2', {}, 'Top growers (PSS, first sample → last)'));
    const table = el('table', { class: 'growers' });
    const head = table.createTHead().insertRow();
    for (const heading of ['Object', 'PID', 'Category', 'First kB', 'Last kB', 'Growth kB']) head.appendChild(el('th', { scope: 'col' }, heading));
    const body = table.createTBody();
    for (const row of data.growers) {
      const tr = body.insertRow();
      tr.appendChild(el('td', { class: 'name', 'data-tip': row.object }, row.object));
      tr.appendChild(el('td', { 'data-value': String(row.pid) }, String(row.pid)));
      tr.appendChild(el('td', {}, row.category));
      for (const value of [row.first, row.last, row.last - row.first]) tr.appendChild(el('td', { 'data-value': String(value) }, kB(value)));
    }
    sortable(table);
    container.appendChild(table);
  }
}

const main = document.getElementById('report')!;
for (const process of data.processes) {
  const section = el('section', { class: 'process', 'data-pid': String(process.pid) });
  main.appendChild(section);
  header(process, section);
  drawTreemap(process, section);
  drawStrip(process, section);
  drawTables(process, section);
}
drawTimeline(main);
main.appendChild(el('footer', {}, `Generated by ${data.generator}. Self-contained: no network access. Categories come from tspmap's rule table (see tspmap(1), --rules).`));
document.documentElement.dataset.ready = 'true';
