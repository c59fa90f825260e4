// The group view's UI state: what is selected, sorted, filtered and collapsed. Every change is
// written to the versioned checkpoint (vscode.setState), which the panel serializer restores.
import type { GroupRef } from '../../src/shared/explorer';
import type { AdvantageEstimator } from '../../src/shared/protocol/webviews/advantages';
import { groupCheckpointSchema, type GroupCheckpoint, type SampleColumn } from '../../src/shared/protocol/webviews/group';
import { CHECKPOINT_VERSION, readCheckpoint } from '../../src/shared/protocol/webviews/ipc';
import type { TokenMode } from '../../src/shared/protocol/webviews/tokens';

export interface GroupUi {
  selectedNode: number | null;
  selectedSample: number | null;
  estimator: AdvantageEstimator;
  sort: { column: SampleColumn; descending: boolean };
  filter: { text: string; finish: 'any' | 'stop' | 'length'; correct: 'any' | 'correct' | 'wrong'; throughSelected: boolean };
  collapsed: Set<number>;
  tokenHeat: boolean;
  /** The token overlay's mode below the response ('off' fetches nothing). */
  tokenMode: TokenMode;
}

export type Listener = (ui: GroupUi, changed: ReadonlySet<keyof GroupUi>) => void;

export function defaultUi(estimator: AdvantageEstimator = 'grpo'): GroupUi {
  return {
    selectedNode: null,
    selectedSample: null,
    estimator,
    sort: { column: 'index', descending: false },
    filter: { text: '', finish: 'any', correct: 'any', throughSelected: false },
    collapsed: new Set(),
    tokenHeat: false,
    tokenMode: 'off',
  };
}

export class GroupUiStore {
  private listeners: Listener[] = [];
  ref: GroupRef | null = null;

  constructor(
    public ui: GroupUi,
    private readonly save: (c: GroupCheckpoint) => void,
  ) {}

  /** The UI of a checkpoint, if it is this version and shape. */
  static fromCheckpoint(raw: unknown): { ref: GroupRef; ui: GroupUi } | undefined {
    const c = readCheckpoint(groupCheckpointSchema, raw);
    if (!c) return undefined;
    return {
      ref: c.ref,
      ui: {
        selectedNode: c.selectedNode,
        selectedSample: c.selectedSample,
        estimator: c.estimator,
        sort: c.sort,
        filter: c.filter,
        collapsed: new Set(c.collapsed),
        tokenHeat: c.tokenHeat,
        tokenMode: c.tokenMode ?? 'off',
      },
    };
  }

  subscribe(l: Listener): void {
    this.listeners.push(l);
  }

  update(patch: Partial<GroupUi>): void {
    const changed = new Set(Object.keys(patch) as Array<keyof GroupUi>);
    this.ui = { ...this.ui, ...patch };
    this.checkpoint();
    for (const l of this.listeners) l(this.ui, changed);
  }

  checkpoint(): void {
    if (!this.ref) return;
    this.save({
      v: CHECKPOINT_VERSION,
      ref: this.ref,
      selectedNode: this.ui.selectedNode,
      selectedSample: this.ui.selectedSample,
      estimator: this.ui.estimator,
      sort: this.ui.sort,
      filter: this.ui.filter,
      collapsed: [...this.ui.collapsed].slice(0, 10_000),
      tokenHeat: this.ui.tokenHeat,
      tokenMode: this.ui.tokenMode,
    });
  }
}
