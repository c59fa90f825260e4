import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readLogPage, readNewLines } from '../../../src/core/runs/logFile';
import { tempDir } from '../../helpers';

describe('run log reading', () => {
  it('pages a large log in whole lines of at most the limit, and the pages add up to the file', () => {
    const file = path.join(tempDir(), 'big.log');
    const lines = Array.from({ length: 60_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 97)}`);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const size = fs.statSync(file).size;
    let offset = 0;
    let pages = 0;
    const parts: string[] = [];
    for (;;) {
      const p = readLogPage(file, offset, 64 << 10);
      assert.ok(Buffer.byteLength(p.text) <= 64 << 10);
      if (!p.eof) assert.ok(p.text.endsWith('\n'), 'a page ends at a line end');
      parts.push(p.text);
      pages++;
      offset = p.nextOffset;
      if (p.eof) break;
    }
    assert.equal(offset, size);
    assert.equal(parts.join(''), fs.readFileSync(file, 'utf8'));
    assert.ok(pages >= Math.floor(size / (64 << 10)), `${pages} pages for ${size} bytes`);
  });

  it('cuts a line longer than the limit at a UTF-8 character boundary', () => {
    const file = path.join(tempDir(), 'long.log');
    fs.writeFileSync(file, '€'.repeat(100) + '\nend\n');
    const a = readLogPage(file, 0, 10);
    assert.deepEqual([a.text, a.nextOffset, a.eof], ['€€€', 9, false]);
    const b = readLogPage(file, a.nextOffset, 10);
    assert.equal(b.text, '€€€');
  });

  it('reads a missing log as empty, and restarts from 0 after truncation', () => {
    const dir = tempDir();
    assert.deepEqual(readLogPage(path.join(dir, 'none.log'), 5), {
      text: '',
      offset: 5,
      nextOffset: 5,
      size: 0,
      eof: true,
      path: path.join(dir, 'none.log'),
    });
    const file = path.join(dir, 't.log');
    fs.writeFileSync(file, 'new\n');
    assert.deepEqual([readLogPage(file, 1000).offset, readLogPage(file, 1000).text], [0, 'new\n']);
  });

  it('hands out complete lines only (\\n, \\r\\n, \\r), keeping the unterminated tail', () => {
    const file = path.join(tempDir(), 'grow.log');
    fs.writeFileSync(file, 'a\r\nb\rc\npartial');
    const first = readNewLines(file, 0);
    assert.deepEqual(first, { lines: ['a', 'b', 'c'], next: 7, restarted: false });
    fs.appendFileSync(file, ' done\n');
    assert.deepEqual(readNewLines(file, first.next), { lines: ['partial done'], next: 20, restarted: false });
    fs.writeFileSync(file, 'x\n');
    assert.deepEqual(readNewLines(file, 20), { lines: ['x'], next: 2, restarted: true });
  });

  it('reads at most maxBytes per call and cuts a single overlong line', () => {
    const file = path.join(tempDir(), 'cap.log');
    fs.writeFileSync(file, 'aaaa\nbbbb\ncccc\n');
    assert.deepEqual(readNewLines(file, 0, 12), { lines: ['aaaa', 'bbbb'], next: 10, restarted: false });
    fs.writeFileSync(file, 'z'.repeat(50));
    assert.deepEqual(readNewLines(file, 0, 20), { lines: ['z'.repeat(20)], next: 20, restarted: false });
  });
});
