// Hover on a token of an open sample document: its string, id, sampler and trainer logprobs, the
// mismatch Δ and ratio exp(Δ) against the clip range, reference logprob and entropy. Only where the
// logged token strings spell the response (else character offsets cannot be mapped to tokens).
import * as vscode from 'vscode';
import { EngineMethods } from '../../shared/protocol/engine';
import { TokenMethods } from '../../shared/protocol/engineTokens';
import { DOC_SCHEME } from '../../shared/uri';
import { tokenAtOffset, tokenReadout } from '../../shared/tokenSignals';
import { readConfig } from '../config';
import type { EngineClient } from '../engineClient';
import { fromUri } from './sampleDocuments';

export function registerTokenHover(engine: EngineClient): vscode.Disposable {
  return vscode.languages.registerHoverProvider(
    { scheme: DOC_SCHEME },
    {
      async provideHover(document, position) {
        const doc = fromUri(document.uri);
        if (!doc || doc.kind !== 'sample') return undefined;
        const [sample, tokens] = await Promise.all([
          engine.request(EngineMethods.getSample, doc.ref),
          engine.request(TokenMethods.sampleTokens, doc.ref),
        ]).catch(() => [undefined, undefined] as const);
        if (!sample || !tokens?.tokens) return undefined;
        // The response is the document's tail in both views ("full" puts a header before it).
        const text = document.getText();
        const base = text.length - sample.response.length;
        const offset = document.offsetAt(position) - base;
        if (base < 0 || offset < 0) return undefined;
        const t = tokenAtOffset(tokens.tokens, sample.response, offset);
        if (t === null) return undefined;
        const fields = tokenReadout(
          tokens,
          t,
          readConfig().clipEpsilon,
          (v) => v.toFixed(4),
          (v) => (v >= 0 ? '+' : '') + v.toFixed(4),
        );
        const md = new vscode.MarkdownString(
          `**Token #${t}**\n\n${fields.map(([k, v]) => `- ${k}: \`${v.replace(/`/g, 'ʹ')}\``).join('\n')}`,
        );
        // Token text is untrusted model output: no command links, no HTML.
        md.isTrusted = false;
        md.supportHtml = false;
        let start = 0;
        for (let i = 0; i < t; i++) start += tokens.tokens[i]!.length;
        const range = new vscode.Range(document.positionAt(base + start), document.positionAt(base + start + tokens.tokens[t]!.length));
        return new vscode.Hover(md, range);
      },
    },
  );
}
