"""A 0-d run against numerical quadrature of the same integral."""

import numpy as np

import pirk

# The PIK paper's 0-d φ⁴ (examples/cards/phi4-0d.toml), smaller: S = ½ m² φ² + λ/4 φ⁴.
M2, LAMBDA = -2.0, 0.5
CARD = {
    "theory": "phi4-0d",
    "lattice": [],
    "seed": 3,
    "target": {"m2": M2, "lambda": LAMBDA},
    "prior": {"kind": "normal", "variance": 1.0},
    "path": {"start": {"m2": 1.0, "lambda": 0.0}},
    "flow": {"steps": 40, "samples": 1000},
    "sample": {"count": 8000, "chunk": 2000},
}


def quadrature():
    """log ∫ e^{−S} dφ and ⟨φ²⟩ on a uniform grid: the integrand is below 1e-300 at
    |φ| = 12, and the rule converges spectrally for it."""
    phi, dphi = np.linspace(-12.0, 12.0, 200_001, retstep=True)
    weight = np.exp(-(0.5 * M2 * phi**2 + 0.25 * LAMBDA * phi**4))
    z = weight.sum() * dphi
    return np.log(z), (phi**2 * weight).sum() * dphi / z


def test_zero_dimensional_run_matches_quadrature():
    result = pirk.run(CARD)
    log_z, phi2 = quadrature()
    assert abs(log_z - 3.03739) < 1e-5 and abs(phi2 - 3.40854) < 1e-5  # docs/cli.md's values

    mean, err = result.observables["M2"]
    assert err > 0 and abs(mean - phi2) < 4 * err, (mean, err, phi2)
    value, error = result.log_z
    assert error > 0 and abs(value - log_z) < 4 * error, (value, error, log_z)

    assert result.out is None
    assert result.ensemble.shape == (8000,) and result.log_weights.shape == (8000,)
    assert result.report["command"] == "run" and result.report["lattice"] == []
    assert 0 < result.ess <= 1 and 0 < result.acceptance <= 1
    # The arrays belong together: the generated ensemble reweighted by its log-weights is
    # ⟨φ²⟩ too, within the self-normalised estimator's error (n · ESS effective samples).
    w = np.exp(result.log_weights - result.log_weights.max())
    w /= w.sum()
    phi_sq = np.asarray(result.ensemble) ** 2
    reweighted = (w * phi_sq).sum()
    spread = np.sqrt((w * (phi_sq - reweighted) ** 2).sum())
    assert abs(reweighted - phi2) < 4 * spread / np.sqrt(8000 * result.ess), (reweighted, phi2)
