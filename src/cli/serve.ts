/**
 * `tspmap serve --listen ADDR:PORT`: a long-running exporter. GET /metrics
 * runs a scrape (one at a time: a request arriving while one is running
 * shares its result), GET /healthz answers "ok". A scrape stops reading at
 * its deadline and publishes what it has, so a socket never hangs. Logs one
 * line at start and one per failure; SIGTERM (or SIGINT) stops accepting,
 * lets the scrape in flight finish, and exits 0.
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { Collector } from './metrics-collect.js';
import { SelectionOptions, UsageError, fail, groupingFrom, newProgram, parseProgram, procFsFrom, secondsOption } from './metrics-options.js';
import { writeStderr } from './output.js';
import { expositionContentType, renderExposition } from '../format/metrics-exposition.js';

type Env = Readonly<Record<string, string | undefined>>;

interface ServeOptions extends SelectionOptions {
  listen: string;
  interval: string;
  deadline: string;
}

export const DEFAULT_LISTEN = '127.0.0.1:9841';
/** Below this a scrape loop would read smaps (which locks each target's mm) nearly nonstop. */
const INTERVAL_FLOOR_SECONDS = 1;

/** ADDR:PORT, [IPv6]:PORT or PORT (loopback). */
export function parseListen(value: string): { host: string; port: number } | null {
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]]*):)?([0-9]{1,5})$/.exec(value);
  if (!match) return null;
  const port = Number(match[2]);
  if (port > 65535) return null;
  const host = (match[1] ?? '').replace(/^\[|\]$/g, '');
  return { host: host === '' ? '127.0.0.1' : host, port };
}

export async function run(args: readonly string[], _env: Env, name: string): Promise<number> {
  try {
    return await serve(args, name);
  } catch (error) {
    if (error instanceof UsageError) return error.status;
    throw error;
  }
}

async function serve(args: readonly string[], name: string): Promise<number> {
  const program = newProgram(`${name} serve`, 'Serve memory by process group and category to Prometheus on GET /metrics.')
    .option('--listen <addr:port>', 'address to listen on (a bare port binds 127.0.0.1)', DEFAULT_LISTEN)
    .option('--interval <seconds>', `re-read a process at most once per this many seconds (floor ${INTERVAL_FLOOR_SECONDS})`, '10')
    .option('--deadline <seconds>', 'stop reading after this long and publish what was read', '8');
  parseProgram(program, args);
  const options = program.opts<ServeOptions>();
  const listen = parseListen(options.listen);
  if (!listen) fail(name, `--listen '${options.listen}': need ADDR:PORT`);
  const log = (line: string): void => writeStderr(`${name} serve: ${line}\n`);
  const collector = new Collector({
    fs: procFsFrom(options, name),
    pids: null,
    grouping: groupingFrom(options, name),
    perPid: options.perPid === true,
    rollup: options.rollup === true,
    intervalMs: secondsOption(name, '--interval', options.interval, INTERVAL_FLOOR_SECONDS),
    deadlineMs: secondsOption(name, '--deadline', options.deadline, 0.1),
    notice: log,
  });
  const contentType = await expositionContentType();
  const scraper = sharedScraper(collector, options.perPid === true, log);
  const server = createServer((request, response) => {
    void respond(request, response, scraper, contentType, log);
  });
  const listening = await new Promise<string | null>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen(listen.port, listen.host, () => resolve(null));
  });
  if (listening !== null) {
    log(`cannot listen on ${options.listen}: ${listening}`);
    return 1;
  }
  const address = server.address();
  const bound = address && typeof address === 'object' ? address : { address: listen.host, port: listen.port };
  const shown = bound.address.includes(':') ? `[${bound.address}]` : bound.address;
  log(`listening on http://${shown}:${bound.port}/metrics`);
  server.on('error', (error) => log(`server error: ${error.message}`));
  await stopSignal();
  server.close();
  server.closeIdleConnections();
  await scraper.idle();
  await new Promise((resolve) => setTimeout(resolve, 0));
  server.closeAllConnections();
  return 0;
}

export interface SharedScraper {
  scrape(): Promise<string>;
  /** Resolves when no scrape is running. */
  idle(): Promise<void>;
}

/** One scrape in flight; requests arriving meanwhile get its result. */
export function sharedScraper(collector: Pick<Collector, 'collect'>, perPid: boolean, log: (line: string) => void): SharedScraper {
  let inFlight: Promise<string> | null = null;
  const once = async (): Promise<string> => {
    const collected = await collector.collect();
    if (collected.partial) {
      log(`scrape deadline reached: published what was read (${collected.unreadAtDeadline} processes unread)`);
    }
    return renderExposition(collected, perPid);
  };
  return {
    scrape() {
      inFlight ??= once().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
    async idle() {
      await inFlight?.catch(() => undefined);
    },
  };
}

async function respond(
  request: IncomingMessage, response: ServerResponse, scraper: SharedScraper, contentType: string, log: (line: string) => void,
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  const send = (status: number, type: string, body: string): void => {
    response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'text/plain; charset=utf-8', 'method not allowed\n');
  if (path === '/healthz') return send(200, 'text/plain; charset=utf-8', 'ok\n');
  if (path === '/') return send(200, 'text/html; charset=utf-8', '<html><body><a href="/metrics">/metrics</a></body></html>\n');
  if (path !== '/metrics') return send(404, 'text/plain; charset=utf-8', 'not found\n');
  try {
    send(200, contentType, await scraper.scrape());
  } catch (error) {
    log(`scrape failed: ${error instanceof Error ? error.message : String(error)}`);
    send(500, 'text/plain; charset=utf-8', 'scrape failed\n');
  }
}

function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
}
