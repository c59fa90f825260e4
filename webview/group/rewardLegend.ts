// The legend the image section and the timeline share: the group's reward range on the one colour
// scale (src/shared/rewardColour.ts), the target's swatch, and what a flagged box or segment means.
import { REWARD_SCALE } from '../../src/shared/rewardColour';
import type { GroupSampleView } from '../../src/shared/protocol/webviews/group';
import { el } from '../shared/dom';
import { fmt } from '../shared/format';
import { rewardRange } from './boxLayout';

export function rewardLegend(samples: readonly GroupSampleView[], flagged: string): HTMLElement[] {
  const { min, max } = rewardRange(samples);
  const scale = el('span', { cls: 'reward-scale', title: 'Lowest reward of the group red, the middle amber, the highest green' });
  scale.style.setProperty('background', `linear-gradient(to right, ${REWARD_SCALE.join(', ')})`);
  return [
    el('span', {}, ['Reward ', el('span', { cls: 'num', text: fmt(min) }), scale, el('span', { cls: 'num', text: fmt(max) })]),
    el('span', {}, [el('span', { cls: 'target-swatch' }), 'target']),
    el('span', {}, [el('span', { cls: 'flag-swatch', text: '⚠' }), flagged]),
  ];
}
