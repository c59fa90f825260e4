// Highlights reflection keywords in open sample documents, with a hover naming the keyword list.
import * as vscode from 'vscode';
import { EngineMethods } from '../../shared/protocol/engine';
import type { EngineClient } from '../engineClient';
import { readConfig } from '../config';
import { fromUri } from './sampleDocuments';

export class ReflectionHighlights implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground'),
    borderRadius: '2px',
  });
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly engine: EngineClient) {
    this.subs.push(vscode.window.onDidChangeVisibleTextEditors((eds) => eds.forEach((e) => void this.decorate(e))));
    vscode.window.visibleTextEditors.forEach((e) => void this.decorate(e));
  }

  dispose(): void {
    this.decoration.dispose();
    this.subs.forEach((s) => s.dispose());
  }

  async decorate(editor: vscode.TextEditor): Promise<void> {
    const doc = fromUri(editor.document.uri);
    if (!doc || doc.kind !== 'sample') return;
    const sample = await this.engine.request(EngineMethods.getSample, doc.ref).catch(() => undefined);
    if (!sample) return;
    const text = editor.document.getText();
    // The response is the document's tail in both views ("full" puts a header before it).
    const base = text.length - sample.response.length;
    if (base < 0 || text.slice(base) !== sample.response) return;
    const cfg = readConfig();
    const list = cfg.reflectionKeywords.length ? 'your keyword list' : `the ${cfg.reflectionPreset} preset`;
    editor.setDecorations(
      this.decoration,
      sample.reflection_hits.map((h) => ({
        range: new vscode.Range(editor.document.positionAt(base + h.start), editor.document.positionAt(base + h.end)),
        hoverMessage: new vscode.MarkdownString(`Reflection keyword **${h.keyword}** (${list}, ${cfg.reflectionMode} mode)`),
      })),
    );
  }
}
