//! Self-tuning (`[tune]`): each round's prior is the last one moved by its tilt, the job keeps
//! the best round's prior and flow, the flow file carries that prior so `pirk sample` uses it
//! from a card that has none, and `--resume` reuses the rounds to identical bytes.

mod common;

use std::path::Path;

use common::{assert_valid, entries, job, ok, report, with_card};

/// A minimal 6² card in the broken phase (κ = 0.29) with three rounds and a goal no pilot
/// reaches, so tuning runs until its rounds or the ESS stop it.
const CARD: &str = "theory = \"hopping\"\nlattice = [6, 6]\nseed = 5\n\n[target]\nkappa = 0.29\n\
                    lambda = 0.022\n\n[flow]\nsteps = 8\nsamples = 300\n\n[tune]\nrounds = 3\n\
                    samples = 200\ness = 1.0\n\n[sample]\ncount = 400\nchunk = 100\n";

fn number(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or(0.0)
}

#[test]
fn rounds_follow_the_tilt_and_the_flow_carries_the_chosen_prior() {
    let (dir, card) = with_card(CARD);
    let out = dir.path().join("out");
    let stdout = ok(&job("run", &card, &out, &[]));
    assert_valid(&out);
    let r = report(&out);
    let t = &r["tuning"];
    let rounds = t["rounds"].as_array().unwrap();
    // the summary lists every round with its check's largest shift
    let lines: Vec<&str> = (stdout.lines())
        .filter(|l| l.starts_with("tuning round"))
        .collect();
    assert_eq!(lines.len(), rounds.len(), "{stdout}");
    assert!(lines.iter().all(|l| l.contains(", HMC z ")), "{stdout}");
    assert!(!rounds.is_empty() && rounds.len() <= 3, "{t}");
    // round 0 starts from the action's quadratic part: kinetic κ, and the nearest Gaussian's
    // mass, at least 1/V (src/setup.rs checks the fit itself); where that is not the floor,
    // round 1 starts from the quadratic part's Gaussian lifted to it
    let first = &rounds[0]["prior"];
    assert_eq!(first["kind"], "free");
    assert!((number(&first["kinetic"]) - 0.29).abs() < 1e-12, "{first}");
    assert!(number(&first["mass"]) >= 1.0 / 36.0, "{first}");
    assert!(first.get("zm_mass").is_none(), "{first}");
    let starts = t["starts"].as_u64().unwrap() as usize;
    assert_eq!(
        starts,
        if number(&first["mass"]) > 1.0 / 36.0 {
            2
        } else {
            1
        }
    );
    if starts == 2 {
        assert_eq!(
            rounds[1]["prior"],
            serde_json::json!({"kind": "free", "kinetic": 0.29, "mass": 1.0 / 36.0})
        );
    }
    // a round that beats every one before it: not flagged by its stationarity check where the
    // other is, else log Z larger by 3σ with a trusted tail (k̂ ≤ 0.7), or else a higher ESS
    let beats = |a: &serde_json::Value, b: &serde_json::Value| {
        let flagged = |r: &serde_json::Value| r["stationarity"]["flagged"] == true;
        if flagged(a) != flagged(b) {
            return flagged(b);
        }
        let (za, zb) = (&a["log_z"], &b["log_z"]);
        let shift = number(&za["value"]) - number(&zb["value"]);
        let larger = if shift > 0.0 { a } else { b };
        let trusted = larger["pareto_k"].as_f64().is_some_and(|k| k <= 0.7);
        if shift.abs() > 3.0 * number(&za["error"]).hypot(number(&zb["error"])) && trusted {
            shift > 0.0
        } else {
            number(&a["ess"]) > number(&b["ess"])
        }
    };
    if rounds.len() > starts {
        // the first tilted round starts from the best start's prior moved by its tilt
        let best = (0..starts)
            .rev()
            .find(|&i| (0..i).all(|j| beats(&rounds[i], &rounds[j])))
            .unwrap();
        let (p0, p1, tilt) = (
            &rounds[best]["prior"],
            &rounds[starts]["prior"],
            &rounds[best]["tilt"],
        );
        // a quartic the tilt would make non-positive is halved; with none to halve, the zero
        // mode's mass moves alone
        let (mu, g) = (number(&p0["zm_mass"]), number(&p0["zm_quartic"]));
        let moved = g + number(&tilt["zm_quartic"]);
        let (mass, quartic) = if moved > 0.0 {
            (mu + number(&tilt["zm_mass"]), moved)
        } else if g > 0.0 {
            (mu + number(&tilt["zm_mass"]), g / 2.0)
        } else {
            (mu + number(&tilt["zm_mass_only"]), 0.0)
        };
        assert!((number(&p1["zm_mass"]) - mass).abs() <= 1e-15 * mass.abs().max(1.0));
        assert!((number(&p1["zm_quartic"]) - quartic).abs() <= 1e-15 * quartic.abs());
        assert_eq!(p1["kinetic"], p0["kinetic"]);
        assert_eq!(p1["mass"], p0["mass"]);
    }
    // every pilot is checked by the card's default 10 HMC trajectories per configuration
    for round in rounds {
        let check = &round["stationarity"];
        assert_eq!(
            (
                check["trajectories"].as_u64(),
                check["configurations"].as_u64()
            ),
            (Some(10), Some(200)),
            "{round}"
        );
    }
    if rounds.len() < 3 {
        assert_ne!(t["stop"], "budget", "{t}");
    }
    // the job uses the last round that beat every round before it, and its flow file records
    // that round's prior
    let chosen = t["chosen"].as_u64().unwrap() as usize;
    assert!(
        (0..chosen).all(|j| beats(&rounds[chosen], &rounds[j])),
        "{t}"
    );
    for later in chosen + 1..rounds.len() {
        assert!(
            (0..later).any(|j| !beats(&rounds[later], &rounds[j])),
            "{t}"
        );
    }
    assert_eq!(r["flow"]["start"]["settings"], rounds[chosen]["prior"]);
    let flow: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("flow.json")).unwrap()).unwrap();
    assert_eq!(flow["prior"], rounds[chosen]["prior"]);
    assert!(r["timings"]["tune_seconds"].as_f64().unwrap() > 0.0);

    // the kept card has no [prior]: `pirk sample` takes the tuned one from the flow file and
    // regenerates the run's ensemble bit for bit
    let sampled = dir.path().join("sampled");
    let flow_file = out.join("flow.json");
    ok(&job(
        "sample",
        &out.join("card.toml"),
        &sampled,
        &["--flow", flow_file.to_str().unwrap()],
    ));
    for file in ["ensemble.npy", "log_weights.npy"] {
        assert!(
            same(&out, &sampled, file),
            "{file} differs between run and sample"
        );
    }
    assert_eq!(
        report(&sampled)["flow"]["start"]["settings"],
        rounds[chosen]["prior"]
    );
}

#[test]
fn resumed_tuning_is_identical_to_an_uninterrupted_one() {
    let (dir, card) = with_card(CARD);
    let whole = dir.path().join("whole");
    ok(&job("run", &card, &whole, &[]));
    let resumed = dir.path().join("resumed");
    let killed = job("run", &card, &resumed, &["--stop-after-chunks", "2"]);
    assert_eq!(killed.status.code(), Some(1));
    ok(&job("run", &card, &resumed, &["--resume"]));
    for file in entries(&whole) {
        if file != "report.json" {
            assert!(same(&whole, &resumed, &file), "{file} differs");
        }
    }
    let strip = |d: &Path| {
        let mut r = report(d);
        r.as_object_mut().unwrap().remove("timings");
        r
    };
    assert_eq!(strip(&whole), strip(&resumed));
}

fn same(a: &Path, b: &Path, file: &str) -> bool {
    std::fs::read(a.join(file)).unwrap() == std::fs::read(b.join(file)).unwrap()
}
