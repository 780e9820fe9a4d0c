/**
 * Reading callgrind dumps (the format of `valgrind --tool=callgrind`) for
 * `bench/instructions.ts`: totals, the optimising compiler's share, and costs by function.
 */

export interface Counts {
  total: number;
  /** In V8's optimising compiler (TurboFan), on whichever thread. */
  compiler: number;
  /** Instructions by function, exclusive of callees. */
  byFunction: Map<string, number>;
}

/**
 * Total instructions of a callgrind dump, and those of functions in V8's optimising
 * compiler. A counted window spans a minute of wall time under valgrind, so functions
 * that run on timers get hot and are compiled there, which at full speed happens once in
 * the first seconds; the figure without them is the steady state's.
 */
export function countsOf(text: string): Counts {
  const names = new Map<string, string>();
  const byFunction = new Map<string, number>();
  const isCompiler = (name: string) => /v8::internal::compiler::|v8::internal::Zone::|v8::internal::TurbofanCompilationJob/.test(name);
  let total = 0;
  let compiler = 0;
  let current = '';
  let inCompiler = false;
  let skipCallCost = false;
  for (const line of text.split('\n')) {
    // Function names are compressed: `fn=(12) name` the first time, `fn=(12)` after.
    const fn = /^c?fn=\((\d+)\)(?: (.*))?$/.exec(line);
    if (fn) {
      if (fn[2] !== undefined) names.set(fn[1]!, fn[2]);
      if (line.startsWith('fn=')) {
        current = names.get(fn[1]!) ?? '';
        inCompiler = isCompiler(current);
      }
      continue;
    }
    if (line.startsWith('calls=')) {
      skipCallCost = true; // the next cost line is the callee's inclusive cost
      continue;
    }
    if (!/^[\d+*-]/.test(line)) continue;
    if (skipCallCost) {
      skipCallCost = false;
      continue;
    }
    const cost = Number(line.slice(line.lastIndexOf(' ') + 1));
    total += cost;
    if (inCompiler) compiler += cost;
    byFunction.set(current, (byFunction.get(current) ?? 0) + cost);
  }
  // The dump's own total (its last line): a parse that lost or doubled cost lines would not
  // match it. (The `summary:` line at the top can be a few instructions short of it.)
  const totals = /^totals: (\d+)/m.exec(text);
  if (totals && Number(totals[1]) !== total) throw new Error(`callgrind dump: parsed ${total} instructions, its totals line says ${totals[1]}`);
  return { total, compiler, byFunction };
}

/**
 * Name JIT-compiled code (`0x…` in callgrind, which cannot see V8's symbols) from the
 * `/tmp/perf-PID.map` that `--perf-basic-prof` writes, and merge costs by name.
 */
export function named(byFunction: ReadonlyMap<string, number>, perfMap: string | null): Map<string, number> {
  const spans = (perfMap ?? '')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [start = '0', size = '0', ...name] = l.split(' ');
      return { start: parseInt(start, 16), end: parseInt(start, 16) + parseInt(size, 16), name: name.join(' ') };
    })
    .sort((a, b) => a.start - b.start);
  const lookup = (addr: number): string | null => {
    let lo = 0;
    let hi = spans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = spans[mid]!;
      if (addr < s.start) hi = mid - 1;
      else if (addr >= s.end) lo = mid + 1;
      else return s.name;
    }
    return null;
  };
  const out = new Map<string, number>();
  for (const [fn, cost] of byFunction) {
    const name = /^0x[0-9a-f]+$/.test(fn) ? (lookup(parseInt(fn, 16)) ?? 'JIT code (unnamed)') : fn;
    out.set(name, (out.get(name) ?? 0) + cost);
  }
  return out;
}
