"""The SPC engine's c4 against exact values, at every subgroup size a centre produces.

c4(n) = sqrt(2 / (n − 1)) Γ(n / 2) / Γ((n − 1) / 2). The reference is computed here in
60-digit decimals from Γ(1) = 1, Γ(½) = √π and Γ(x + 1) = x Γ(x): with
r(n) = Γ(n / 2) / Γ((n − 1) / 2), r(2) = 1 / √π, r(3) = √π / 2 and r(n + 2) = r(n) n / (n − 1).
What matters at large n is 1 − c4² (about 1 / (2n)): the X̄–S chart weighs each subgroup
by c4² / (1 − c4²) and the S chart's sigma is σ √(1 − c4²).
"""

from __future__ import annotations

from decimal import Decimal, getcontext

import duckdb

from orchestration.spc import _macros

getcontext().prec = 60
PI = Decimal("3.14159265358979323846264338327950288419716939937510582097494")
LARGEST = 50_000


def exact_c4() -> dict[int, Decimal]:
    ratio = {2: 1 / PI.sqrt(), 3: PI.sqrt() / 2}
    for n in range(4, LARGEST + 1):
        ratio[n] = ratio[n - 2] * (n - 2) / (n - 3)
    return {n: (Decimal(2) / (n - 1)).sqrt() * value for n, value in ratio.items()}


def engine_c4() -> dict[int, float | None]:
    expression = _macros().make_module().spc_c4("n")
    with duckdb.connect() as connection:
        rows = connection.execute(
            f"select n, {expression} from range(1, {LARGEST + 1}) as sizes(n)"
        ).fetchall()
    return dict(rows)


def test_c4_and_one_minus_c4_squared_match_exact_values_up_to_50000():
    exact, computed = exact_c4(), engine_c4()
    assert computed[1] is None
    worst_c4 = max(abs(Decimal(computed[n]) / exact[n] - 1) for n in exact)
    worst_complement = max(
        abs((1 - Decimal(computed[n]) ** 2) / (1 - exact[n] ** 2) - 1) for n in exact
    )
    assert worst_c4 < Decimal("5e-16")
    # 1 − c4² from a c4 within 5e-16: at n = 50,000 (1 − c4² = 4e-5) about 3e-11
    assert worst_complement < Decimal("1e-10")


def test_c4_known_values():
    computed = engine_c4()
    # sqrt(2 / π), √π / 2 and the usual table's 4-decimal values (e.g. Montgomery, table VI)
    assert abs(computed[2] - 0.7978845608028654) < 1e-16
    assert abs(computed[3] - 0.8862269254527580) < 1e-16
    for n, table in {5: 0.9400, 10: 0.9727, 25: 0.9896}.items():
        assert round(computed[n], 4) == table
