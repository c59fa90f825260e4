// The extension's offer to convert slime .pt dumps: which dumps need it, which Python can do it, and
// the converter run itself (with the project venv's torch; skipped, saying why, without it).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { convertSlime, findTorchPython, pythonCandidates, unconvertedDumps } from '../../../src/extension/commands/slimeConvert';
import { FIXTURES, ROOT, tempDir } from '../../helpers';

const venvPython = path.join(ROOT, '.venv', 'sample-grpo', 'bin', 'python');
const torchPython = fs.existsSync(venvPython) && 'python' in findTorchPython([venvPython]) ? venvPython : undefined;

describe('slime conversion offer', () => {
  it('lists .pt dumps without a converted .jsonl beside them', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'dumps'));
    fs.copyFileSync(path.join(FIXTURES, 'slime', 'data_3.pt'), path.join(dir, 'dumps', 'data_3.pt'));
    fs.copyFileSync(path.join(FIXTURES, 'slime', 'data_eval_3.pt'), path.join(dir, 'dumps', 'data_eval_3.pt'));
    assert.deepEqual(
      unconvertedDumps(dir).map((p) => path.relative(dir, p)),
      ['dumps/data_3.pt', 'dumps/data_eval_3.pt'],
    );
    fs.writeFileSync(path.join(dir, 'dumps', 'data_3.jsonl'), '');
    assert.deepEqual(
      unconvertedDumps(dir).map((p) => path.basename(p)),
      ['data_eval_3.pt'],
    );
  });

  it('says what each Python lacked when none has torch', () => {
    const r = findTorchPython(['/nonexistent/bin/python']);
    assert.deepEqual(r, { missing: ['/nonexistent/bin/python: not found'] });
    const ws = tempDir();
    fs.mkdirSync(path.join(ws, '.venv', 'a', 'bin'), { recursive: true });
    fs.writeFileSync(path.join(ws, '.venv', 'a', 'bin', 'python'), '');
    assert.deepEqual(pythonCandidates(ws, '/opt/py'), ['/opt/py', path.join(ws, '.venv', 'a', 'bin', 'python'), 'python3']);
  });

  it(
    'runs the converter and the .jsonl appears beside the dump',
    { skip: torchPython ? false : 'no .venv/sample-grpo with torch (node scripts/python-env.mjs makes it)' },
    async () => {
      const dir = tempDir();
      fs.copyFileSync(path.join(FIXTURES, 'slime', 'data_3.pt'), path.join(dir, 'data_3.pt'));
      const r = await convertSlime(torchPython!, dir, path.join(ROOT, 'python'));
      assert.equal(r.code, 0, r.output);
      assert.equal(r.output, `${path.join(dir, 'data_3.pt')}: 8 samples -> ${path.join(dir, 'data_3.jsonl')}\n`);
      assert.equal(
        fs.readFileSync(path.join(dir, 'data_3.jsonl'), 'utf8'),
        fs.readFileSync(path.join(FIXTURES, 'slime', 'data_3.jsonl'), 'utf8'),
      );
      assert.deepEqual(unconvertedDumps(dir), []);
    },
  );
});
