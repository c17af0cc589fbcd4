//! N-component fields end to end: minimal O(2) and O(3) φ⁴ cards (free fields per component
//! from the action's quadratic part, shells and smeared kernels per component) against HMC and
//! the O(N) Wolff baseline, the ensemble's component axis, and the card checks that keep
//! one-component pieces (the two-well prior, projected kernels, the Wolff refresh) away.

mod common;

use common::{command_rejects_card, job, ok, report, with_card};

fn card(theory: &str) -> String {
    format!(
        "theory = \"{theory}\"\nlattice = [6, 6]\nseed = 2\n\n[target]\nkappa = 0.2\nlambda = 1.0\n\n\
         [flow]\nsamples = 400\nsteps = 20\n\n[sample]\ncount = 1000\nsteps = 20\n\n\
         [hmc]\ntrajectories = 2000\nthermalise = 100\n"
    )
}

/// `ensemble`'s ⟨|M|⟩, χ = V⟨|M|²⟩ and S/V (the flow's, and Wolff's where `compare` ran it)
/// agree with HMC's within four combined errors.
fn agrees_with_hmc(r: &serde_json::Value, what: &str) {
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
                "{what} {name}: {other} vs HMC {reference}"
            );
        }
    }
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
        agrees_with_hmc(&r, theory);
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

/// A zero-mode prior on three components whose magnetisation sits on a sphere (a Mexican hat,
/// m₀ + μ < 0) that the target does not have: the flow carries it to the same target, so the
/// observables agree with HMC and Wolff and log Z — which counts the prior's normalisation —
/// with the minimal card's free-field start.
#[test]
fn a_vector_zero_mode_prior_reaches_the_same_target() {
    let minimal = card("o3-hopping");
    let hat = format!(
        "{minimal}\n[prior]\nkind = \"free\"\nkinetic = 0.2\nmass = 1.0\nzm_mass = -1.5\n\
         zm_quartic = 0.5\n"
    );
    let (dir, free) = with_card(&minimal);
    ok(&job("run", &free, &dir.path().join("free"), &[]));
    let (dir2, zero_mode) = with_card(&hat);
    ok(&job("compare", &zero_mode, &dir2.path().join("hat"), &[]));
    let (free, hat) = (
        report(&dir.path().join("free")),
        report(&dir2.path().join("hat")),
    );
    agrees_with_hmc(&hat, "o3-hopping from the zero-mode prior");
    let [a, b] = [&free, &hat].map(|r| {
        let z = &r["log_z"];
        (z["value"].as_f64().unwrap(), z["error"].as_f64().unwrap())
    });
    assert!(
        (a.0 - b.0).abs() < 4.0 * a.1.hypot(b.1),
        "log Z {a:?} from the free fields, {b:?} from the zero-mode prior"
    );
}

/// Tuning an O(3) card fits the tilt to the length of the magnetisation vector: the second
/// round's prior is the first one's moved by that tilt, and its flow is the better one.
#[test]
fn tuning_tilts_the_vector_zero_mode_prior() {
    let card = format!(
        "{}\n[prior]\nkind = \"free\"\nkinetic = 0.2\nmass = 1.0\nzm_mass = -1.5\n\
         zm_quartic = 0.5\n\n[tune]\nrounds = 2\nsamples = 200\ness = 1.0\n",
        card("o3-hopping")
    );
    let (dir, card) = with_card(&card);
    let out = dir.path().join("out");
    ok(&job("run", &card, &out, &[]));
    let tuning = &report(&out)["tuning"];
    let rounds = tuning["rounds"].as_array().unwrap();
    let tilt = &rounds[0]["tilt"];
    let moved = |key: &str| rounds[0]["prior"][key].as_f64().unwrap() + tilt[key].as_f64().unwrap();
    // A quartic the tilt would make non-positive is halved instead.
    let quartic = rounds[0]["prior"]["zm_quartic"].as_f64().unwrap();
    let want = [
        ("zm_mass", moved("zm_mass")),
        (
            "zm_quartic",
            Some(moved("zm_quartic"))
                .filter(|&q| q > 0.0)
                .unwrap_or(quartic / 2.0),
        ),
    ];
    assert_eq!(rounds.len(), 2, "{tuning}");
    for (key, value) in want {
        let got = rounds[1]["prior"][key].as_f64().unwrap();
        assert!((got - value).abs() < 1e-15, "{key}: {tuning}");
    }
    // The hat is far from this symmetric-phase target; the tilt takes the prior most of the way.
    assert_eq!(tuning["chosen"], 1, "{tuning}");
}

#[test]
fn an_n_component_field_refuses_one_component_pieces() {
    let card = card("o3-hopping");
    for (extra, needle) in [
        (
            "\n[prior]\nkind = \"free\"\nkinetic = 0.2\nmass = 1.0\nwells = 2.0\n",
            "prior.wells: theory o3-hopping has a 3-component field",
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
