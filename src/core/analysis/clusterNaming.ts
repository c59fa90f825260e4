// Naming failure clusters by the user's own OpenAI-compatible endpoint (the LLM verifier's setting),
// off unless asked for. What is sent is stated before it is sent: each cluster's size and terms and
// the previews of its examples, exactly as the report shows them. A failing endpoint leaves the
// term names, with one message (docs/algorithms.md#failure-clusters).
import type { ClusterNaming, ClusterReport } from '../../shared/clusters';
import { errorMessage } from '../../shared/errors';
import { ChatClient, endpointUrl } from '../rewards/verifier/chatClient';

export interface NamingEndpoint {
  url: string;
  model: string;
  apiKey: string | null;
  timeoutMs?: number;
}

/** A name longer than this is cut: it is a label, not a paragraph. */
const MAX_NAME = 80;

/** The one prompt sent, and what it holds in words (shown to the user before it goes). */
export function namingRequest(report: ClusterReport): { prompt: string; sent: string } {
  const lines = [
    'Below are clusters of responses from a reinforcement-learning run of a language model, selected as ' +
      `${report.selection_label}. Each cluster has its most distinctive terms ("#" stands for any number) and up to three example responses (their first characters).`,
    'Give each cluster a short name (at most six words) for the kind of response it holds.',
    'Answer with one line per cluster and nothing else, in the form "<cluster number>: <name>".',
    '',
  ];
  let examples = 0;
  for (const c of report.clusters) {
    lines.push(`Cluster ${c.id} (${c.size} responses). Terms: ${c.terms.join(', ') || '(none)'}`);
    for (const e of c.examples) {
      lines.push(`- ${e.preview}`);
      examples++;
    }
    lines.push('');
  }
  const prompt = lines.join('\n');
  const sent =
    `${report.clusters.length} clusters' sizes and terms and ${examples} example previews ` +
    `(at most 3 per cluster, the first 160 characters of each response as listed): ${prompt.length} characters in one request`;
  return { prompt, sent };
}

/** "3: Unit conversion errors" lines → names by cluster id; anything else is ignored. */
export function readNames(answer: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of answer.split(/\r?\n/)) {
    const m = /^\s*(?:[-*]\s*)?(?:\*\*)?(?:cluster\s*)?(\d+)(?:\*\*)?\s*[:.)–-]\s*(.+?)\s*$/i.exec(line);
    if (!m) continue;
    const name = m[2]!.replace(/^[*"'`]+|[*"'`]+$/g, '').trim();
    if (name && !names.has(Number(m[1]))) names.set(Number(m[1]), name.length > MAX_NAME ? `${name.slice(0, MAX_NAME - 1)}…` : name);
  }
  return names;
}

/**
 * The report with the endpoint's names where it gave them, and `naming` saying what was sent. Never
 * throws for the endpoint: a failure keeps the term names and says why in `naming.message`.
 * `onSending` hears what goes where before the request is made.
 */
export async function nameClusters(
  report: ClusterReport,
  endpoint: NamingEndpoint,
  opts: { onSending?: (what: string) => void; signal?: AbortSignal } = {},
): Promise<ClusterReport> {
  const { prompt, sent } = namingRequest(report);
  const url = endpointUrl(endpoint.url, 'chat');
  const naming: ClusterNaming = { endpoint: url, model: endpoint.model, sent, characters: prompt.length, ok: false, message: null };
  if (report.clusters.length === 0) return { ...report, naming: { ...naming, sent: 'nothing (no clusters)', characters: 0, ok: true } };
  opts.onSending?.(`naming clusters by ${url} (model ${endpoint.model}): sending ${sent}`);
  const client = new ChatClient({
    url: endpoint.url,
    model: endpoint.model,
    api: 'chat',
    apiKey: endpoint.apiKey,
    concurrency: 1,
    timeoutMs: endpoint.timeoutMs ?? 60_000,
    retries: 1,
    backoffMs: 200,
    maxTokens: 50 * report.clusters.length + 50,
    temperature: 0,
  });
  let names: Map<number, string>;
  try {
    names = readNames(await client.complete(prompt, opts.signal));
  } catch (e) {
    return { ...report, naming: { ...naming, message: `cluster names by endpoint failed, kept the terms: ${errorMessage(e)}` } };
  }
  const named = report.clusters.filter((c) => names.has(c.id)).length;
  if (named === 0) return { ...report, naming: { ...naming, message: 'the endpoint gave no "<number>: <name>" lines; kept the terms' } };
  return {
    ...report,
    clusters: report.clusters.map((c) => (names.has(c.id) ? { ...c, name: names.get(c.id)!, named_by: 'endpoint' } : c)),
    naming: {
      ...naming,
      ok: true,
      message:
        named < report.clusters.length
          ? `the endpoint named ${named} of ${report.clusters.length} clusters; the rest keep their terms`
          : null,
    },
  };
}
