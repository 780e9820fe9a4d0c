/**
 * Counters from a Vigil's `/metrics`, by what the bench reports: answers by action and
 * confidence, commits by result, history unavailable by reason, assessor failures.
 */
export async function scrapeCounters(url: string): Promise<Record<string, Record<string, number>>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Record<string, Record<string, number>> = {};
  const add = (metric: string, key: string, v: number) => {
    out[metric] ??= {};
    out[metric][key] = (out[metric][key] ?? 0) + v;
  };
  for (const line of text.split('\n')) {
    const m = /^(vigil_(?:assessments|commits|history_unavailable|assessor_failures)_total)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
    const v = Number(m[3]);
    if (m[1] === 'vigil_assessments_total') {
      add('action', labels.action!, v);
      add('confidence', labels.confidence!, v);
    } else if (m[1] === 'vigil_commits_total') add('commits', labels.result!, v);
    else if (m[1] === 'vigil_history_unavailable_total') add('history_unavailable', labels.reason!, v);
    else add('assessor_failures', `${labels.assessor}:${labels.reason}`, v);
  }
  return out;
}
