/**
 * Classifying one case from the oracle's and tspmap's results.
 */

/** Modes that another engineer is still implementing (placeholder prints "internal error"). */
export const X_MODES = new Set(['X', 'XX', 'X-q']);

const sameResult = (a, b) => a.status === b.status && a.stdout.equals(b.stdout) && a.stderr.equals(b.stderr);

/**
 * @returns {{kind: 'ok'|'divergent'|'ub-crash'|'ub-hang'|'ub-nondet'|'not-implemented', channels?: string[]}}
 * channels: which of stdout/stderr/status differ.
 */
export function classify(mode, oracle, oracle2, mine) {
  // pmap killed by a signal other than SIGPIPE: undefined behaviour territory.
  // 137: killed by the oracle's timeout (pmap loops forever on some inputs).
  if (oracle.status === 137 || oracle2?.status === 137) return { kind: 'ub-hang' };
  if (oracle.status > 128 && oracle.status !== 141) return { kind: 'ub-crash', signal: oracle.status - 128 };
  if (oracle2 && !sameResult(oracle, oracle2)) return { kind: 'ub-nondet' };
  const internal = mine.stderr.includes('internal error');
  if (internal && X_MODES.has(mode) && mine.stderr.includes('not implemented')) return { kind: 'not-implemented' };
  const channels = [];
  if (!oracle.stdout.equals(mine.stdout)) channels.push('stdout');
  if (!oracle.stderr.equals(mine.stderr)) channels.push('stderr');
  if (oracle.status !== mine.status) channels.push('status');
  if (mine.timedOut) channels.push('timeout');
  if (channels.length === 0) return { kind: 'ok' };
  if (internal) channels.push('internal-error');
  return { kind: 'divergent', channels };
}

/** First differing line of two outputs, for reports. */
export function firstDiff(a, b) {
  const la = a.toString('latin1').split('\n');
  const lb = b.toString('latin1').split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return { line: i + 1, pmap: la[i], tspmap: lb[i] };
  }
  return null;
}

export function signature(result) {
  return result.kind === 'divergent' ? result.channels.join('+') : result.kind;
}
