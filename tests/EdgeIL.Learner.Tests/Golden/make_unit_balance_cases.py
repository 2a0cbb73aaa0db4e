#!/usr/bin/env python3
"""Writes unit-balance.json: golden vectors for IL-prox with EdgeIL's unit balance.

An implementation of docs/algorithms.md's IL-prox and its "Unit balance" in plain float64 Python,
independent of the C# learner (no shared code, no numpy). It first reproduces the IL-prox cases of
steps.json (the specification's own golden vectors, which have no balancing) to 1e-12, so a mistake
in the step cannot pass silently, then computes the new cases, in which the hidden units are
rebalanced after every balance_interval-th sample. Run from this folder:
python3 make_unit_balance_cases.py
"""
import json
import math
import random


def relu(v):
    return [x if x > 0 else 0.0 for x in v]


def matvec(w, a, b):
    return [sum(wij * aj for wij, aj in zip(row, a)) + bi for row, bi in zip(w, b)]


def head(kind, z):
    if kind == "softmax":
        m = max(z)
        e = [math.exp(x - m) for x in z]
        s = sum(e)
        return [x / s for x in e]
    return [1.0 / (1.0 + math.exp(-x)) for x in z]


def sq(a):
    return sum(x * x for x in a)


def il_prox_step(W, b, x, y, hp, kind):
    """One IL-prox step; W[n] is d_{n+1} x d_n. Returns nothing, updates W and b in place."""
    layers = len(W)
    alpha, eps, T = hp["alpha"], hp["eps"], int(hp["T"])
    g_bot, g_top = hp["gamma_bot"], hp["gamma_top"]

    v = [list(x)]
    for n in range(layers):
        a_n = v[n] if n == 0 else relu(v[n])
        v.append(matvec(W[n], a_n, b[n]))

    def state(v):
        a = [v[0]] + [relu(v[n]) for n in range(1, layers)]
        p = [None] + [matvec(W[n], a[n], b[n]) for n in range(layers)]
        out = head(kind, p[layers])
        s_top = sq(a[layers - 1]) + 1.0 + eps
        pull = alpha * s_top
        t = [(o + pull * yi) / (1.0 + pull) for o, yi in zip(out, y)]
        e = [None] + [[vi - pi for vi, pi in zip(v[n], p[n])] for n in range(1, layers)]
        e.append([ti - oi for ti, oi in zip(t, out)])
        return a, e

    a, e = state(v)
    for n in range(1, layers):
        e[n] = [0.0] * len(e[n])  # v = p before the first iteration
    for _ in range(T):
        new_v = [v[0]]
        for n in range(1, layers):
            back = [sum(W[n][i][j] * e[n + 1][i] for i in range(len(e[n + 1]))) for j in range(len(v[n]))]
            new_v.append([vj + g_bot * (1.0 if vj > 0 else 0.0) * gj - g_top * ej
                          for vj, gj, ej in zip(v[n], back, e[n])])
        new_v.append(v[layers])
        v = new_v
        a, e = state(v)

    for n in range(layers):
        s = sq(a[n]) + 1.0 + eps
        for i, ei in enumerate(e[n + 1]):
            for j, aj in enumerate(a[n]):
                W[n][i][j] += ei * aj / s
            b[n][i] += ei / s


def balance(W, b):
    """Raises every hidden unit whose outgoing weights outweigh its incoming ones: incoming row and
    bias times d, outgoing column over d, with d = (||out||^2 / (||in||^2 + bias^2))^(1/4) applied
    only when above 1 and capped at 16; layers in order."""
    for n in range(1, len(W)):
        for i in range(len(b[n - 1])):
            incoming = sq(W[n - 1][i]) + b[n - 1][i] ** 2
            outgoing = sum(W[n][k][i] ** 2 for k in range(len(W[n])))
            d = (outgoing / incoming) ** 0.25 if incoming > 0 and outgoing > 0 else 1.0
            d = min(max(d, 1.0), 16.0)
            W[n - 1][i] = [w * d for w in W[n - 1][i]]
            b[n - 1][i] *= d
            for k in range(len(W[n])):
                W[n][k][i] /= d


def run(case):
    W = [[list(r) for r in w] for w in case["initial"]["W"]]
    b = [list(r) for r in case["initial"]["b"]]
    after = []
    interval = int(case["hyperparameters"].get("balance_interval", 0))
    for seen, sample in enumerate(case["samples"], start=1):
        il_prox_step(W, b, sample["x"], sample["y"], case["hyperparameters"], case["head"])
        if interval > 0 and seen % interval == 0:
            balance(W, b)
        after.append({"W": [[list(r) for r in w] for w in W], "b": [list(r) for r in b]})
    return after


def max_difference(p, q):
    worst = 0.0
    for sp, sq_ in zip(p, q):
        for key in ("W", "b"):
            for x, y in zip(_flatten(sp[key]), _flatten(sq_[key])):
                worst = max(worst, abs(x - y))
    return worst


def _flatten(value):
    if isinstance(value, list):
        for item in value:
            yield from _flatten(item)
    else:
        yield value


def random_case(name, sizes, kind, hp, seed, samples=3):
    rng = random.Random(seed)
    W, b = [], []
    for n in range(len(sizes) - 1):
        bound = 1.0 / math.sqrt(sizes[n])
        W.append([[rng.uniform(-bound, bound) for _ in range(sizes[n])] for _ in range(sizes[n + 1])])
        b.append([rng.uniform(-bound, bound) for _ in range(sizes[n + 1])])
    data = []
    for _ in range(samples):
        x = [rng.uniform(0.0, 1.0) for _ in range(sizes[0])]
        if kind == "sigmoid":
            y = list(x)
        else:
            y = [0.0] * sizes[-1]
            y[rng.randrange(sizes[-1])] = 1.0
        data.append({"x": x, "y": y})
    return {"name": name, "algorithm": "il-prox", "head": kind, "sizes": sizes, "hyperparameters": hp,
            "initial": {"W": W, "b": b}, "samples": data}


def main():
    spec = json.load(open("steps.json"))
    for case in spec["cases"]:
        if case["algorithm"] == "il-prox":
            worst = max_difference(run(case), case["after_each_step"])
            assert worst < 1e-12, f"reference disagrees with steps.json by {worst}"

    autoencoder = random_case(
        "il-prox-sigmoid-autoencoder-balance", [6, 5, 2, 5, 6], "sigmoid",
        {"alpha": 2.5, "eps": 0.25, "T": 25, "gamma_bot": 0.012, "gamma_top": 0.012, "balance_interval": 10},
        seed=7, samples=12)
    classifier = random_case(
        "il-prox-softmax-balance", [6, 5, 4, 3], "softmax",
        {"alpha": 5.0, "eps": 0.25, "T": 25, "gamma_bot": 0.015, "gamma_top": 0.015, "balance_interval": 4},
        seed=11, samples=9)
    cases = []
    for case in (autoencoder, classifier):
        case["after_each_step"] = run(case)
        cases.append(case)
    about = ("EdgeIL's own golden vectors: IL-prox with the unit balance of docs/algorithms.md "
             "(every hidden unit rebalanced after each balance_interval-th sample), float64, "
             "computed by make_unit_balance_cases.py, which first reproduces steps.json's IL-prox cases.")
    with open("unit-balance.json", "w") as f:
        json.dump({"about": about, "cases": cases}, f, indent=1)


if __name__ == "__main__":
    main()
