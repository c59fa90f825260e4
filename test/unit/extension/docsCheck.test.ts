// The docs reference check (scripts/check-docs.mjs, run by check-manifest.mjs): a citation of a
// missing document or section, or of notes outside the repository, fails with file and line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../../helpers';

interface DocsCheck {
  checkDocs: (root: string) => string[];
  anchorsOf: (markdown: string) => Set<string>;
}

// The bad references are assembled at run time, so this file does not itself cite what it tests.
const D = 'docs' + '/';
const OUT_NOTES = ['ALGO', 'RITHMS.md'];
const SECTION = '\u00a7';
const load = async (): Promise<DocsCheck> => (await import(path.join(ROOT, 'scripts', 'check-docs.mjs'))) as DocsCheck;

describe('docs reference check', () => {
  let tree = '';
  before(() => {
    tree = fs.mkdtempSync(path.join(os.tmpdir(), 'lens-docs-'));
    fs.mkdirSync(path.join(tree, 'docs'));
    fs.mkdirSync(path.join(tree, 'src', 'core'), { recursive: true });
    fs.mkdirSync(path.join(tree, 'test', 'fixtures'), { recursive: true });
    fs.writeFileSync(
      path.join(tree, 'docs', 'algorithms.md'),
      [
        '# Algorithms',
        '',
        '<a id="tempo"></a>',
        '',
        '## Step metrics — `stepAnalysis.ts`',
        '',
        '```',
        '# not a heading',
        '```',
        '',
        'See [runs](runs.md), [tempo](#tempo), [gone](#gone), [metrics](#step-metrics--stepanalysists).',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(tree, 'src', 'core', 'a.ts'),
      [
        `// TEMPO (${D}algorithms.md#tempo), metrics (${D}algorithms.md#step-metrics--stepanalysists).`,
        `// Missing section: ${D}algorithms.md#knapsack, and ${D}algorithms.md#tempo, #rorecomp.`,
        `// Missing file: ${D}formats.md#verl. Outside: ${OUT_NOTES.join('')} ${SECTION}3.`,
        '',
      ].join('\n'),
    );
    // Fixture data may quote anything; only fixture READMEs are checked.
    fs.writeFileSync(path.join(tree, 'test', 'fixtures', 'row.json'), `{"text": "see DESIGN${'.md'} ${SECTION}2"}\n`);
    fs.writeFileSync(path.join(tree, 'test', 'fixtures', 'README.md'), `Shapes: TESTING-ENV${'.md'}.\n`);
  });
  after(() => fs.rmSync(tree, { recursive: true, force: true }));

  it('names each dangling reference with its file and line', async () => {
    const { checkDocs } = await load();
    assert.deepEqual(checkDocs(tree), [
      `${D}algorithms.md:11: (runs.md) names ${D}runs.md, which does not exist`,
      `${D}algorithms.md:11: (#gone): ${D}algorithms.md has no section #gone`,
      `src/core/a.ts:2: ${D}algorithms.md#knapsack: ${D}algorithms.md has no section #knapsack`,
      `src/core/a.ts:2: ${D}algorithms.md#tempo, #rorecomp: ${D}algorithms.md has no section #rorecomp`,
      `src/core/a.ts:3: "${OUT_NOTES.join('')}" cites a document outside this repository; cite docs/<file>.md#<section>`,
      `src/core/a.ts:3: "${SECTION}" cites a document outside this repository; cite docs/<file>.md#<section>`,
      `src/core/a.ts:3: ${D}formats.md#verl names ${D}formats.md, which does not exist`,
      `test/fixtures/README.md:1: "TESTING-ENV${'.md'}" cites a document outside this repository; cite docs/<file>.md#<section>`,
    ]);
  });

  it('takes anchors from headings outside code fences and from <a id>, numbering repeats as GitHub does', async () => {
    const { anchorsOf } = await load();
    assert.deepEqual([...anchorsOf('# A b\n<a id="x"></a>\n```\n# c\n```\n## A, b!\n### `f.ts` — g\n')], ['a-b', 'x', 'a-b-1', 'fts--g']);
  });

  it('passes on this repository, as part of the manifest check', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'check-manifest.mjs')], { encoding: 'utf8' });
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /docs: every cited document and section exists/);
    assert.equal(r.status, 0);
  });
});
