// Agreement of our `math-verify` grader with Math-Verify's own test suite, kept as data in
// test/fixtures/math-verify/cases.json (extract_cases.py builds it from the upstream tests/).
import * as fs from 'node:fs';
import { z } from 'zod';
import { ErrorCode, LensError, errorMessage } from '../../../shared/errors';
import { MATH_VERIFY_DEFAULTS, MathVerifyGrader } from './grader';

const caseSchema = z.object({
  id: z.string(),
  gold: z.string(),
  pred: z.string(),
  expected: z.boolean(),
  match_types: z.array(z.enum(['latex', 'expr'])),
  precision: z.number().int(),
  strict: z.boolean(),
  allow_set_relation_comp: z.boolean(),
  boxed_match_priority: z.number().int().nullable(),
});
const fileSchema = z.object({ source: z.string(), commit: z.string(), cases: z.array(caseSchema) });

export interface CaseResult {
  id: string;
  expected: boolean;
  got: boolean;
  stage: string;
}

export interface Agreement {
  commit: string;
  total: number;
  agree: number;
  /** Agreement on cases whose expected verdict is true / false. */
  expected_true: { total: number; agree: number };
  expected_false: { total: number; agree: number };
  /** Disagreements per upstream test function. */
  failing_by_test: Record<string, number>;
  cases: CaseResult[];
}

export async function mathVerifyAgreement(file: string): Promise<Agreement> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new LensError(ErrorCode.Unreadable, `${file}: cannot read the case list: ${errorMessage(e)}`, { file });
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw new LensError(ErrorCode.BadInput, `${file}: not a Math-Verify case list: ${parsed.error.issues[0]?.message}`);
  const graders = new Map<string, MathVerifyGrader>();
  const cases: CaseResult[] = [];
  try {
    for (const c of parsed.data.cases) {
      const cfg = {
        ...MATH_VERIFY_DEFAULTS,
        targets: c.match_types,
        boxedMatchPriority: c.boxed_match_priority ?? MATH_VERIFY_DEFAULTS.boxedMatchPriority,
        floatRounding: c.precision,
        strict: c.strict,
        allowSetRelationComp: c.allow_set_relation_comp,
      };
      const key = JSON.stringify(cfg);
      let g = graders.get(key);
      if (!g) graders.set(key, (g = new MathVerifyGrader(cfg)));
      const r = await g.grade(c.gold, c.pred);
      cases.push({ id: c.id, expected: c.expected, got: r.equal, stage: r.stage });
    }
  } finally {
    await Promise.all([...graders.values()].map((g) => g.dispose()));
  }
  const count = (xs: CaseResult[]): { total: number; agree: number } => ({
    total: xs.length,
    agree: xs.filter((x) => x.got === x.expected).length,
  });
  const failing: Record<string, number> = {};
  for (const c of cases) {
    if (c.got === c.expected) continue;
    const test = c.id.replace(/\[\d+\]$/, '');
    failing[test] = (failing[test] ?? 0) + 1;
  }
  return {
    commit: parsed.data.commit,
    ...count(cases),
    expected_true: count(cases.filter((c) => c.expected)),
    expected_false: count(cases.filter((c) => !c.expected)),
    failing_by_test: failing,
    cases,
  };
}
