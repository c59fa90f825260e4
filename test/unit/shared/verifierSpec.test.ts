// The verifier settings (rolloutLens.verifier.url / .model) become a spec the re-score picker offers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRewardSpec } from '../../../src/core/rewards/spec';
import { verifierSpec } from '../../../src/shared/rescore';

describe('verifierSpec', () => {
  it('is offered only when both settings are set', () => {
    assert.equal(verifierSpec('', 'TIGER-Lab/general-verifier'), undefined);
    assert.equal(verifierSpec('http://127.0.0.1:8000/v1', ' '), undefined);
  });

  it('writes a spec the reward parser reads back with the same url and model', () => {
    const spec = verifierSpec(' http://127.0.0.1:8000/v1 ', 'TIGER-Lab/general-verifier');
    assert.equal(spec, 'verifier(url="http://127.0.0.1:8000/v1", model="TIGER-Lab/general-verifier")');
    const parsed = parseRewardSpec(spec!);
    assert.deepEqual(
      parsed.terms.map((t) => [t.fn, t.config['url'], t.config['model']]),
      [['verifier', 'http://127.0.0.1:8000/v1', 'TIGER-Lab/general-verifier']],
    );
  });
});
