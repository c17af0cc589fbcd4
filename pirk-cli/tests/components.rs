//! N-component fields end to end: minimal O(2) and O(3) φ⁴ cards (free fields per component
//! from the action's quadratic part, shells and smeared kernels per component) against HMC and
//! the O(N) Wolff baseline, the ensemble's component axis, and the card checks that keep
//! one-component pieces (zero-mode priors, tuning, projected kernels, the Wolff refresh) away.

mod common;

use common::{command_rejects_card, job, ok, report, with_card};

fn card(theory: &str) -> String {
    format!(
        "theory = \"{theory}\"\nlattice = [6, 6]\nseed = 2\n\n[target]\nkappa = 0.2\nlambda = 1.0\n\n\
         [flow]\nsamples = 400\nsteps = 20\n\n[sample]\ncount = 1000\nsteps = 20\n\n\
         [hmc]\ntrajectories = 2000\nthermalise = 100\n"
    )
}

/// A minimal card of each O(N) theory: the flow (ESS well above a half in the symmetric phase),
/// HMC and the O(N) Wolff baseline agree on ⟨|M|⟩, χ = V⟨|M|²⟩ and S/V, and `ensemble.npy`
/// carries one axis of N components after the lattice's.
#[test]
fn o_n_minimal_cards_agree_with_hmc_and_wolff() {
    for (theory, n) in [("o2-hopping", 2), ("o3-hopping", 3)] {
        let (dir, card) = with_card(&card(theory));
        let out = dir.path().join("out");
        ok(&job("compare", &card, &out, &[]));
        let r = report(&out);
        assert!(
            r["ess"].as_f64().unwrap() > 0.5,
            "{theory}: ESS {}",
            r["ess"]
        );
        let comparison = &r["comparison"];
        for name in ["abs_M", "chi", "action_density"] {
            let reference = &comparison["hmc_observables"][name];
            for other in [&r["observables"][name], &r["wolff"]["observables"][name]] {
                let (a, b) = (
                    other["mean"].as_f64().unwrap(),
                    reference["mean"].as_f64().unwrap(),
                );
                let err = other["err"]
                    .as_f64()
                    .unwrap()
                    .hypot(reference["err"].as_f64().unwrap());
                assert!(
                    (a - b).abs() < 4.0 * err,
                    "{theory} {name}: {other} vs HMC {reference}"
                );
            }
        }
        let binder = r["observables"]["binder"]["mean"].as_f64().unwrap();
        assert!(
            binder.abs() < 0.2,
            "{theory}: symmetric phase, U = {binder}"
        );
        let file = std::fs::File::open(out.join("ensemble.npy")).unwrap();
        let ensemble: ndarray::ArrayD<f64> = ndarray_npy::ReadNpyExt::read_npy(file).unwrap();
        assert_eq!(ensemble.shape(), [1000, 6, 6, n], "{theory}");
    }
}

#[test]
fn an_n_component_field_refuses_one_component_pieces() {
    let card = card("o3-hopping");
    for (extra, needle) in [
        (
            "\n[prior]\nkind = \"free\"\nkinetic = 0.2\nmass = 1.0\nzm_mass = 0.1\nzm_quartic = 0.1\n",
            "prior.zm_mass: theory o3-hopping has a 3-component field",
        ),
        (
            "\n[tune]\nrounds = 2\n",
            "tune.rounds: tuning fits the zero-mode couplings of a one-component magnetisation",
        ),
        (
            "\n[kernels]\nprojected = [\"id\"]\n",
            "kernels.projected: theory o3-hopping has a 3-component field",
        ),
    ] {
        command_rejects_card("run", &format!("{card}{extra}"), needle);
    }
    command_rejects_card(
        "run",
        &card.replace(
            "[flow]\n",
            "[flow]\nrefresh = 2\nrefresh_with = \"wolff\"\n",
        ),
        "flow.refresh_with: the Wolff refresh updates a one-component field, and theory \
         o3-hopping has 3 components",
    );
}
