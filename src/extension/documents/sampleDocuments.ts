// Read-only `rollout-lens:` documents: a sample's response under a two-line header (what diffs
// compare), a sample in full
// (prompt, reward breakdown, rationale as a header), or a whole group.
import * as vscode from 'vscode';
import type { SampleDetail, SampleRef } from '../../shared/explorer';
import { EngineMethods } from '../../shared/protocol/engine';
import { DOC_SCHEME, documentPath, parseDocumentPath, type LensDocument } from '../../shared/uri';
import type { EngineClient } from '../engineClient';
import { fmt, signed } from '../../shared/format';
import { imageHeaderLine } from './sampleImageMarkdown';

export function toUri(d: LensDocument): vscode.Uri {
  const { path, query } = documentPath(d);
  return vscode.Uri.from({ scheme: DOC_SCHEME, path, query });
}

export function fromUri(uri: vscode.Uri): LensDocument | undefined {
  return uri.scheme === DOC_SCHEME ? parseDocumentPath(uri.path, uri.query) : undefined;
}

function title(s: SampleDetail): string {
  return `# ${s.run} · ${s.split} step ${s.step} · group ${s.group} · sample #${s.index}`;
}

function rewardLine(s: SampleDetail): string {
  return (
    `reward ${fmt(s.reward, 4)} · advantage ${signed(s.advantage, 4)} (${s.advantage_source === 'logged' ? 'as logged' : 'GRPO within the group'})` +
    `${s.correct === null ? '' : s.correct ? ' · correct' : ' · wrong'}${s.finish_reason ? ` · ${s.finish_reason}` : ''}` +
    ` · ${s.length_tokens ?? s.length_chars} ${s.length_tokens === null ? 'chars' : 'tokens'}`
  );
}

/** What a diff shows above each response: which sample it is and how it scored. */
export function responseHeader(s: SampleDetail): string {
  return `${title(s)}\n${rewardLine(s)}\n\n`;
}

/**
 * Which line of a full sample document says "Image: …" (registerSampleImageHover shows the image
 * there): right under the reward line, above anything logged text could add lines to.
 */
export function imageLineNumber(s: SampleDetail): number {
  return `${title(s)}\n\n${rewardLine(s)}`.split('\n').length;
}

function header(s: SampleDetail, imageLine: string | null): string {
  const lines = [title(s), '', rewardLine(s)];
  if (imageLine !== null) lines.push(imageLine);
  if (s.components)
    lines.push(
      'components: ' +
        Object.entries(s.components)
          .map(([k, v]) => `${k}=${fmt(v, 4)}`)
          .join(', '),
    );
  if (s.ground_truth !== null) lines.push(`ground truth: ${s.ground_truth}`);
  if (s.rationale !== null) {
    const r = typeof s.rationale === 'string' ? { rationale: s.rationale } : s.rationale;
    for (const [k, v] of Object.entries(r)) lines.push('', `## ${k}`, '', v);
  }
  lines.push('', '## prompt', '', s.prompt, '', '## response', '');
  return lines.join('\n');
}

export class SampleDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly engine: EngineClient) {}

  dispose(): void {
    this.changed.dispose();
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const doc = fromUri(uri);
    if (!doc) return `Not a Rollout Lens document: ${uri.toString()}`;
    try {
      if (doc.kind === 'group') {
        const rows = await this.engine.request(EngineMethods.listSamples, doc.ref);
        const parts: string[] = [];
        for (const r of rows) {
          if (token.isCancellationRequested) break;
          const s = await this.engine.request(EngineMethods.getSample, { ...doc.ref, index: r.index });
          parts.push(`===== sample #${s.index} · reward ${fmt(s.reward, 4)} · advantage ${signed(s.advantage, 4)} =====\n${s.response}`);
        }
        return parts.join('\n\n');
      }
      // The image's name only (drawn 16 px wide): the picture itself is drawn when the line is hovered.
      const [s, image] = await Promise.all([
        this.engine.request(EngineMethods.getSample, doc.ref),
        doc.kind === 'sample' && doc.part === 'full'
          ? this.engine.request(EngineMethods.sampleImage, { ...doc.ref, maxWidth: 16 }).catch(() => undefined)
          : undefined,
      ]);
      if (doc.kind === 'rationale') return typeof s.rationale === 'string' ? s.rationale : JSON.stringify(s.rationale, null, 2);
      // The response stays the document's tail in both parts (reflection highlights rely on it).
      return (doc.part === 'full' ? header(s, image ? imageHeaderLine(image) : null) : responseHeader(s)) + s.response;
    } catch (e) {
      return `Could not load ${uri.path}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  refresh(uri: vscode.Uri): void {
    this.changed.fire(uri);
  }
}

export function sampleUri(ref: SampleRef, part: 'response' | 'full' = 'full'): vscode.Uri {
  return toUri({ kind: 'sample', ref, part });
}
