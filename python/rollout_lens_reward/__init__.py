"""Rollout Lens external-reward adapter (stdlib only).

Wraps a verl-style ``compute_score(data_source, solution_str, ground_truth, extra_info)`` so that
Rollout Lens can re-score stored rollouts with it. See ``adapter.py`` and docs/rewards.md.
"""
