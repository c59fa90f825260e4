// Every reward function a spec can name. Adding one = one factory here and a section in docs/rewards.md.
import { dapoReward, generalReasonerReward, mathReward, simpleRLRewardFactory } from './builtins/mathRewards';
import { formatReward, guiG1Reward, lengthReward, overlongReward } from './builtins/ruleRewards';
import { visionZeroDecisionReward, vlmR1IouReward } from './builtins/visionRewards';
import { timeR1IouV2Reward, videoChatR1FormatReward, videoChatR1IouReward } from './builtins/videoRewards';
import { externalReward } from './external/externalReward';
import type { RewardFactory } from './factory';
import { onnxReward } from './onnx/onnxReward';
import type { Exactness, JsonObject } from './types';
import { mathVerifyReward, verlMathReward } from './builtins/trainerRewards';
import { pairwiseJudgeReward } from './verifier/pairwiseJudge';
import { verifierReward } from './verifier/verifierReward';

const FACTORIES: readonly RewardFactory[] = [
  mathReward,
  simpleRLRewardFactory,
  dapoReward,
  verlMathReward,
  mathVerifyReward,
  generalReasonerReward,
  formatReward,
  overlongReward,
  lengthReward,
  guiG1Reward,
  vlmR1IouReward,
  visionZeroDecisionReward,
  videoChatR1IouReward,
  timeR1IouV2Reward,
  videoChatR1FormatReward,
  onnxReward,
  externalReward,
  verifierReward,
  pairwiseJudgeReward,
];

const BY_ID = new Map(FACTORIES.map((f) => [f.id, f]));

export function getRewardFactory(id: string): RewardFactory | undefined {
  return BY_ID.get(id);
}

export function rewardFunctionIds(): string[] {
  return FACTORIES.map((f) => f.id);
}

export interface RewardFunctionInfo {
  id: string;
  description: string;
  source: string;
  exactness: Exactness;
  variantKey: string | null;
  variants: string[];
  /** The defaults; null for functions with required settings (onnx, external, verifier). */
  defaults: JsonObject | null;
  needsTrust: boolean;
}

/** The registry as data: for `rollout-lens rewards --list`, the engine and docs checks. */
export function listRewardFunctions(): RewardFunctionInfo[] {
  return FACTORIES.map((f) => {
    const d = f.parseConfig({});
    return {
      id: f.id,
      description: f.description,
      source: f.source,
      exactness: f.exactness,
      variantKey: f.variantKey ?? null,
      variants: [...(f.variants ?? [])],
      defaults: d.ok ? d.config : null,
      needsTrust: f.untrustedReason !== undefined,
    };
  });
}
