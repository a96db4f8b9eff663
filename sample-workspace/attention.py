"""Toy causal self-attention, as in a decoder-only Transformer (GPT).

Each position attends only to earlier tokens: the autoregressive mask. Sparse attention
(strided or fixed patterns) would keep only some of these pairs.
"""
import math


def softmax(xs):
    # Softmax with a temperature of 1; a lower temperature makes sampling closer to greedy decoding.
    m = max(xs)
    exps = [math.exp(x - m) for x in xs]
    total = sum(exps)
    return [e / total for e in exps]


def causal_attention(scores):
    """Mask future positions, then normalise each row (next-token prediction must not peek ahead)."""
    n = len(scores)
    weights = []
    for i in range(n):
        row = [scores[i][j] if j <= i else -math.inf for j in range(n)]
        weights.append(softmax(row))
    return weights


# The identifiers below are not glossary hovers: only comments and strings are matched.
ppo_step = 0
rlhf_enabled = False

if __name__ == "__main__":
    print(causal_attention([[1.0, 0.5], [0.2, 0.3]]))
