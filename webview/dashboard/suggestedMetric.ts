// Which logged metric "Add chart" offers first: the quantities people chart first in GRPO runs
// (reward, loss, KL, entropy, gradient norm; verl and TRL spellings), else the first key that is
// not a min/max/std companion of another one. Alphabetical order alone put `clip_ratio/high_max` first.

const PREFERRED: readonly RegExp[] = [
  /^(critic\/score\/mean|reward|train\/reward)$/,
  /^rewards\/[^/]+\/mean$/,
  /^(loss|actor\/pg_loss|train\/loss)$/,
  /^(kl|actor\/kl_loss|actor\/ppo_kl)$/,
  /^(entropy|actor\/entropy)$/,
  /^(grad_norm|actor\/grad_norm)$/,
];

const COMPANION = /(^|[/_])(min|max|std)$|_(min|max)$/;

export function suggestedMetric(keys: readonly string[]): string | undefined {
  for (const re of PREFERRED) {
    const k = keys.find((x) => re.test(x));
    if (k !== undefined) return k;
  }
  return keys.find((k) => !COMPANION.test(k)) ?? keys[0];
}
