// The "Label…" conversation without VS Code (so it is tested as is): offer to take one of the
// target's tags off, to reuse one of the run's tags, or to type a new one; then ask for a note and
// store the label. labelCommands.ts gives it VS Code's quick pick and input box and the engine.
import type { GroupRef } from '../../shared/explorer';
import {
  LABEL_NOTE_MAX,
  labelPlace,
  labelTagProblem,
  type GroupLabels,
  type LabelAddResult,
  type LabelTagCount,
  type LabelTarget,
} from '../../shared/labels';

/** The engine's label methods the flow needs. */
export interface LabelApi {
  groupLabels(ref: GroupRef): Promise<GroupLabels>;
  tags(run: string): Promise<LabelTagCount[]>;
  add(target: LabelTarget, tag: string, note: string): Promise<LabelAddResult>;
  remove(target: LabelTarget, tag: string): Promise<boolean>;
}

export interface LabelChoice {
  label: string;
  description: string;
  action: 'remove' | 'add' | 'new';
  tag?: string;
}

export interface LabelUi {
  pick(title: string, choices: LabelChoice[]): Promise<LabelChoice | undefined>;
  input(ask: {
    title: string;
    prompt: string;
    placeHolder?: string;
    validate: (value: string) => string | undefined;
  }): Promise<string | undefined>;
}

/** Runs the conversation; returns what was done, in words, or undefined when the user stepped out. */
export async function labelFlow(api: LabelApi, ui: LabelUi, target: LabelTarget): Promise<string | undefined> {
  const where = labelPlace(target);
  const [mine, tags] = await Promise.all([
    api.groupLabels({ run: target.run, split: target.split, step: target.step, group: target.group }),
    api.tags(target.run),
  ]);
  const on = target.index === undefined ? mine.group : (mine.samples.find((s) => s.index === target.index)?.labels ?? []);
  const has = new Set(on.map((l) => l.tag));
  const choices: LabelChoice[] = [
    ...on.map((l): LabelChoice => ({
      label: `$(close) Remove ${l.tag}`,
      description: l.note || `by ${l.created_by}`,
      action: 'remove',
      tag: l.tag,
    })),
    ...tags
      .filter((t) => !has.has(t.tag))
      .map((t): LabelChoice => ({ label: `$(tag) ${t.tag}`, description: `${t.count} in this run`, action: 'add', tag: t.tag })),
    { label: '$(add) New tag…', description: 'e.g. reward-hack, bad-gt, truncated-good', action: 'new' },
  ];
  const pick = await ui.pick(`Label ${where}`, choices);
  if (!pick) return undefined;
  if (pick.action === 'remove' && pick.tag) {
    return (await api.remove(target, pick.tag)) ? `Removed ${pick.tag} from ${where}.` : `${where} had no label ${pick.tag}.`;
  }
  const typed =
    pick.tag ??
    (
      await ui.input({
        title: `New tag for ${where}`,
        prompt: 'A short tag naming what you found (letters, digits, . _ : -)',
        placeHolder: 'reward-hack',
        validate: (v) => labelTagProblem(v.trim()),
      })
    )?.trim();
  if (!typed) return undefined;
  const note = await ui.input({
    title: `Note for ${typed} on ${where} (optional)`,
    prompt: 'Free text: what you saw. Empty for none.',
    validate: (v) => (v.length > LABEL_NOTE_MAX ? `at most ${LABEL_NOTE_MAX} characters` : undefined),
  });
  if (note === undefined) return undefined;
  const r = await api.add(target, typed, note);
  return `${r.added ? 'Labelled' : 'Already labelled'} ${where}: ${typed}.`;
}
