import type { Registry } from 'prom-client';

/**
 * Counters and histograms for the metrics every assessment updates (about a dozen updates a
 * request), registered in the same prom-client registry and exposed the same way. prom-client
 * builds a hash string of the labels, validates them and looks the series up in a dictionary on
 * every update; under load that was ~7% of the server's CPU (bench/README.md, "What each
 * optimisation moved"). Here a series is found through one Map per label, keyed by the label
 * values, and an update is an addition; the exposition is built when `/metrics` is scraped, in the
 * form prom-client's own metrics give the registry (`get()`).
 */

interface Series {
  labels: Record<string, string>;
  value: number;
  /** Histograms: observations per bucket (not cumulative) and their sum. */
  buckets: number[] | null;
  sum: number;
}

type Level = Map<string, Level | Series>;

abstract class HotMetric<L extends string> {
  readonly aggregator = 'sum';
  #root: Level = new Map();
  #series: Series[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
    registers: readonly Registry[],
  ) {
    for (const r of registers) r.registerMetric(this as never);
  }

  protected series(labels: Record<L, string>): Series {
    let level = this.#root;
    const names = this.labelNames;
    for (let i = 0; i < names.length - 1; i++) {
      const v = labels[names[i]!];
      let next = level.get(v) as Level | undefined;
      if (!next) level.set(v, (next = new Map()));
      level = next;
    }
    const last = names.length ? labels[names[names.length - 1]!] : '';
    let s = level.get(last) as Series | undefined;
    if (!s) {
      const own: Record<string, string> = {};
      for (const n of names) {
        const v = labels[n];
        if (typeof v !== 'string') throw new TypeError(`${this.name}: label "${n}" must be a string, got ${String(v)}`);
        own[n] = v;
      }
      s = { labels: own, value: 0, buckets: this.newBuckets(), sum: 0 };
      level.set(last, s);
      this.#series.push(s);
    }
    return s;
  }

  protected all(): readonly Series[] {
    return this.#series;
  }

  protected newBuckets(): number[] | null {
    return null;
  }

  reset(): void {
    this.#root = new Map();
    this.#series = [];
  }
}

/** A counter: `inc(labels)` as prom-client's. */
export class HotCounter<L extends string> extends HotMetric<L> {
  readonly type = 'counter';

  constructor(cfg: { name: string; help: string; labelNames: readonly L[]; registers: readonly Registry[] }) {
    super(cfg.name, cfg.help, cfg.labelNames, cfg.registers);
  }

  inc(labels: Record<L, string>, value = 1): void {
    this.series(labels).value += value;
  }

  get() {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.all().map((s) => ({ labels: s.labels, value: s.value })) };
  }
}

/** A histogram over fixed upper bounds: `observe(labels, value)` as prom-client's. */
export class HotHistogram<L extends string> extends HotMetric<L> {
  readonly type = 'histogram';
  readonly #bounds: readonly number[];

  constructor(cfg: { name: string; help: string; labelNames: readonly L[]; buckets: readonly number[]; registers: readonly Registry[] }) {
    super(cfg.name, cfg.help, cfg.labelNames, cfg.registers);
    this.#bounds = [...cfg.buckets].sort((a, b) => a - b);
  }

  protected override newBuckets(): number[] {
    return new Array<number>(this.#bounds.length + 1).fill(0);
  }

  observe(labels: Record<L, string>, value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`${this.name}: value is not a finite number: ${value}`);
    const s = this.series(labels);
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    s.buckets![i]!++;
    s.sum += value;
    s.value++;
  }

  get() {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const s of this.all()) {
      let cumulative = 0;
      this.#bounds.forEach((le, i) => {
        cumulative += s.buckets![i]!;
        values.push({ labels: { le, ...s.labels }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf', ...s.labels }, value: s.value, metricName: `${this.name}_bucket` });
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: s.labels, value: s.value, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
