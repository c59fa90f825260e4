import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { LineReader } from '../../../src/core/ingest/lineReader';
import { tempDir } from '../../helpers';

function readAll(content: string | Buffer, from = 0, line = 0): { lines: Array<[number, string]>; offset: number } {
  const file = path.join(tempDir(), 'f.jsonl');
  fs.writeFileSync(file, content);
  const fd = fs.openSync(file, 'r');
  try {
    const r = new LineReader(fd, from, line);
    const lines: Array<[number, string]> = [];
    for (let batch = r.next(2); batch.length; batch = r.next(2)) lines.push(...batch.map((l): [number, string] => [l.line, l.text]));
    return { lines, offset: r.offset };
  } finally {
    fs.closeSync(fd);
  }
}

describe('LineReader', () => {
  it('hands out complete lines with 1-based numbers and the offset after the last one', () => {
    const r = readAll('{"a":1}\n{"a":2}\n\n{"a":3}\n');
    assert.deepEqual(r.lines, [
      [1, '{"a":1}'],
      [2, '{"a":2}'],
      [3, ''],
      [4, '{"a":3}'],
    ]);
    assert.equal(r.offset, 25);
  });

  it('strips CRLF line ends and a UTF-8 byte-order mark', () => {
    const r = readAll(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"é":1}\r\n{"b":2}\r\n')]));
    assert.deepEqual(r.lines, [
      [1, '{"é":1}'],
      [2, '{"b":2}'],
    ]);
  });

  it('leaves a partial last line for the next read', () => {
    const r = readAll('{"a":1}\n{"a":');
    assert.deepEqual(r.lines, [[1, '{"a":1}']]);
    assert.equal(r.offset, 8);
  });

  it('takes a complete last object that has no newline yet', () => {
    const r = readAll('{"a":1}\n{"a":2}');
    assert.deepEqual(r.lines, [
      [1, '{"a":1}'],
      [2, '{"a":2}'],
    ]);
    assert.equal(r.offset, 15);
  });

  it('resumes from an offset and line number', () => {
    const r = readAll('{"a":1}\n{"a":2}\n{"a":3}\n', 8, 1);
    assert.deepEqual(r.lines, [
      [2, '{"a":2}'],
      [3, '{"a":3}'],
    ]);
  });

  it('reads lines longer than its 4 MiB read size', () => {
    const long = JSON.stringify({ text: 'y'.repeat(9 << 20) });
    const r = readAll(`{"a":1}\n${long}\n{"a":3}\n`);
    assert.deepEqual(
      r.lines.map(([n, t]) => [n, t.length]),
      [
        [1, 7],
        [2, long.length],
        [3, 7],
      ],
    );
  });

  it('does not split multi-byte characters across reads', () => {
    const text = '€'.repeat(3_000_000); // 9 MB of 3-byte characters: read boundaries fall inside them
    const r = readAll(JSON.stringify({ t: text }) + '\n');
    assert.equal((JSON.parse(r.lines[0]![1]) as { t: string }).t, text);
  });
});
