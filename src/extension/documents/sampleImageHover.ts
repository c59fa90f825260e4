// Hover on the "Image: …" line of an open sample document: the sample's image with its boxes and the
// targets, and its IoU, hit and area ÷ target (the same markdown as the explorer's sample tooltip).
import * as vscode from 'vscode';
import { EngineMethods } from '../../shared/protocol/engine';
import { DOC_SCHEME } from '../../shared/uri';
import type { EngineClient } from '../engineClient';
import { fromUri, imageLineNumber } from './sampleDocuments';
import { imageForHover, sampleImageMarkdown } from './sampleImageMarkdown';

export function registerSampleImageHover(engine: EngineClient): vscode.Disposable {
  return vscode.languages.registerHoverProvider(
    { scheme: DOC_SCHEME },
    {
      async provideHover(document, position, token) {
        const doc = fromUri(document.uri);
        if (!doc || doc.kind !== 'sample' || doc.part !== 'full') return undefined;
        const line = document.lineAt(position.line);
        if (!line.text.startsWith('Image: ')) return undefined;
        // A response line that happens to start "Image: " is not the header's.
        const sample = await engine.request(EngineMethods.getSample, doc.ref).catch(() => undefined);
        if (!sample || position.line !== imageLineNumber(sample)) return undefined;
        const image = await imageForHover((maxWidth) => engine.request(EngineMethods.sampleImage, { ...doc.ref, maxWidth })).catch(
          () => undefined,
        );
        // Not shown: the line itself already says why.
        if (!image?.ok || token.isCancellationRequested) return undefined;
        const md = new vscode.MarkdownString(sampleImageMarkdown(image, doc.ref.index));
        // The label is a logged path or dataset name: escaped in the markdown, and no HTML or commands.
        md.isTrusted = false;
        md.supportHtml = false;
        return new vscode.Hover(md, line.range);
      },
    },
  );
}
