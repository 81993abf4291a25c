/**
 * The report page: one HTML file holding its CSS, its script (the client in
 * src/format/report-client/, bundled with d3-hierarchy and uPlot by scripts/build.mjs
 * and defined into this module as strings) and its data. It makes no
 * request at view time and opens from a file:// URL.
 */
import type { ReportData } from './report-data.js';

declare const __REPORT_CLIENT_JS__: string | undefined;
declare const __REPORT_CLIENT_CSS__: string | undefined;

/** The client bundle, or null when this build has none (tsc's library output). */
export function clientBundle(): { js: string; css: string } | null {
  const js = typeof __REPORT_CLIENT_JS__ === 'string' ? __REPORT_CLIENT_JS__ : '';
  const css = typeof __REPORT_CLIENT_CSS__ === 'string' ? __REPORT_CLIENT_CSS__ : '';
  return js === '' ? null : { js, css };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that cannot end a <script> element or open a comment. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Text that cannot close the <script>/<style> element it sits in. */
function inert(code: string, tag: 'script' | 'style'): string {
  return code.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1');
}

export function renderReportHtml(data: ReportData, bundle: { js: string; css: string }): string {
  const title = data.processes.length === 1
    ? `tspmap report: ${data.processes[0]!.pid} ${data.processes[0]!.command}`
    : `tspmap report: ${data.processes.length} processes`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="${escapeHtml(data.generator)}">
<title>${escapeHtml(title)}</title>
<style>${inert(bundle.css, 'style')}</style>
</head>
<body>
<noscript>This report draws its charts with JavaScript; the numbers are in the data block of this file.</noscript>
<main id="report"></main>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${inert(bundle.js, 'script')}</script>
</body>
</html>
`;
}
