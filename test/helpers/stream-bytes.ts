/**
 * A byte consumer fed as proc/procfs.ts's streamBytes() feeds it: `text` cut
 * at `cuts`, each call given what the last one left over and the next piece
 * (eof on the last); a negative count stops the reading. `afterEach` runs
 * after every call (to read what the consumer did in it).
 */
export function feedAsStreamBytes(
  text: string, cuts: number[], feed: (bytes: Buffer, eof: boolean) => number, afterEach: () => void = () => undefined,
): void {
  const input = Buffer.from(text, 'latin1');
  let kept = Buffer.alloc(0);
  let from = 0;
  for (const cut of [...cuts, input.length]) {
    const block = Buffer.concat([kept, input.subarray(from, cut)]);
    const eof = cut === input.length;
    const used = feed(block, eof);
    afterEach();
    if (used < 0) return;
    kept = eof ? Buffer.alloc(0) : Buffer.from(block.subarray(used));
    from = cut;
  }
}
