//! Bad input: exit code 2, one line on stderr naming the problem, nothing written.

mod common;

use common::{command_rejects_card, entries, job, ok, pirk, tiny_card, with_card};

/// Runs `pirk run` on the tiny card edited by `edit`; checks the failure contract.
fn rejects(edit: impl Fn(String) -> String, needle: &str) {
    command_rejects("run", edit, needle);
}

/// `pirk command` on the edited tiny card exits with 2 and one line holding `needle`, and
/// writes nothing.
fn command_rejects(command: &str, edit: impl Fn(String) -> String, needle: &str) {
    command_rejects_card(command, &edit(tiny_card()), needle);
}

#[test]
fn unknown_theory() {
    rejects(
        |c| c.replace("theory = \"hopping\"", "theory = \"ising\""),
        "unknown theory `ising`",
    );
}

#[test]
fn wrong_number_of_lattice_dimensions() {
    rejects(
        |c| c.replace("lattice = [8, 8]", "lattice = []"),
        "lattice: theory hopping needs 1 to 4 dimensions",
    );
}

#[test]
fn missing_coupling() {
    rejects(
        |c| c.replace("kappa = 0.21\nlambda", "lambda"),
        "target: missing coupling `kappa`",
    );
}

#[test]
fn unknown_coupling() {
    rejects(
        |c| c.replace("kappa = 0.21\nlambda", "kapa = 0.21\nlambda"),
        "target: unknown coupling `kapa`",
    );
}

#[test]
fn unknown_key() {
    rejects(
        |c| c.replace("[flow]\n", "[flow]\nstepz = 3\n"),
        "unknown field `stepz`",
    );
}

#[test]
fn projected_kernel_that_reads_neighbours() {
    rejects(
        |c| {
            c.replace(
                "shells = true\n",
                "shells = true\nprojected = [\"hop_sech\"]\nprojected_shells = 3\n",
            )
        },
        "kernels.projected: kernel `hop_sech` reads the field at other sites",
    );
}

#[test]
fn smeared_kernel_with_a_negative_radius() {
    rejects(
        |c| {
            c.replace(
                "[flow]\n",
                "[kernels.smeared]\nradii = [1, -2]\nslopes = [1]\n\n[flow]\n",
            )
        },
        "kernels.smeared.radii: must be finite and positive, got -2",
    );
}

#[test]
fn smeared_kernels_without_slopes() {
    rejects(
        |c| {
            c.replace(
                "[flow]\n",
                "[kernels.smeared]\nradii = [1]\nslopes = []\n\n[flow]\n",
            )
        },
        "kernels.smeared.slopes: empty",
    );
}

#[test]
fn unknown_refine_key() {
    rejects(
        |c| c.replace("[sample]\n", "[refine]\nround = 1\n\n[sample]\n"),
        "unknown field `round`",
    );
}

#[test]
fn too_few_refinement_samples() {
    rejects(
        |c| {
            c.replace(
                "[sample]\n",
                "[refine]\nrounds = 1\nsamples = 5\n\n[sample]\n",
            )
        },
        "refine.samples: 5 samples for 21 kernels; need more samples than kernels",
    );
}

#[test]
fn unknown_wolff_key() {
    rejects(|c| c + "\n[wolff]\nsteps = 2\n", "unknown field `steps`");
}

/// The shipped 8² φ⁴ (form A) card: a theory Wolff cannot update.
fn phi4_card() -> String {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/cards/phi4-8-formA.toml");
    std::fs::read_to_string(file).unwrap()
}

/// Wolff updates the couplings of a registered embedding directly (the hopping form, the
/// planar action): no other theory has them.
#[test]
fn wolff_section_on_another_theory() {
    let phi4 = phi4_card();
    rejects(
        |_| format!("{phi4}\n[wolff]\nupdates = 100\n"),
        "wolff: the Wolff baseline needs theory = \"hopping\" (or \"hopping-wells\" with target \
         wells = zm_mass = zm_quartic = 0, or \"xy\", or \"o2-hopping\", or \"o3-hopping\"), the \
         card's is phi4",
    );
}

/// `pirk wolff` refuses a theory Wolff cannot update, before writing anything.
#[test]
fn wolff_command_on_another_theory() {
    command_rejects(
        "wolff",
        |_| phi4_card(),
        "wolff: the Wolff baseline needs theory = \"hopping\"",
    );
}

/// The Wolff refresh updates the hopping form along the whole path.
#[test]
fn wolff_refresh_on_another_theory() {
    let phi4 = phi4_card().replace(
        "[flow]\n",
        "[flow]\nrefresh = 2\nrefresh_with = \"wolff\"\n",
    );
    rejects(
        |_| phi4.clone(),
        "flow.refresh_with: Wolff updates need theory = \"hopping\", the card's is phi4",
    );
}

#[test]
fn wolff_refresh_through_negative_kappa() {
    rejects(
        |c| {
            c.replace(
                "[flow]\n",
                "[flow]\nrefresh = 2\nrefresh_with = \"wolff\"\n",
            )
            .replace(
                "[path]\n",
                "[path]\nwaypoints = [{ kappa = -0.1, lambda = 0.0 }]\n",
            )
        },
        "flow.refresh_with: the Wolff cluster needs kappa >= 0 along the path, got -0.1",
    );
}

/// The two-well theory is the hopping form only at `wells = 0`.
#[test]
fn wolff_section_on_the_two_well_theory_away_from_zero_wells() {
    rejects(
        |c| {
            c.replace("theory = \"hopping\"", "theory = \"hopping-wells\"")
                .replace(
                    "lambda = 0.022\n",
                    "lambda = 0.022\nwells = 0.5\nzm_mass = 0.0\nzm_quartic = 0.0\n",
                )
                .replace(
                    "lambda = 0.0 }",
                    "lambda = 0.0, wells = 0.5, zm_mass = 0.0, zm_quartic = 0.0 }",
                )
                .replace("\"th1\", \"th2\", \"d3_1\", \"hop_sech\", ", "")
                + "\n[wolff]\n"
        },
        "the card's is hopping-wells",
    );
}

/// The Ising embedding of the signs is ferromagnetic only for κ ≥ 0.
#[test]
fn wolff_section_at_negative_kappa() {
    rejects(
        |c| c.replace("kappa = 0.21\nlambda", "kappa = -0.1\nlambda") + "\n[wolff]\n",
        "wolff: the Wolff cluster needs target kappa >= 0, got -0.1",
    );
}

#[test]
fn wolff_schedule_needs_a_sweep_and_a_cluster() {
    rejects(
        |c| c + "\n[wolff]\nclusters = 0\n",
        "wolff.clusters: need at least 1, got 0",
    );
    rejects(
        |c| c + "\n[wolff]\nsweeps = 0\n",
        "wolff.sweeps: need at least 1, got 0",
    );
}

#[test]
fn wolff_width_not_positive() {
    rejects(
        |c| c + "\n[wolff]\nwidth = 0.0\n",
        "wolff.width: must be positive, got 0",
    );
}

/// Settings the core's builders check (HMC, generation, the Wegner solver) are refused as
/// bad input before anything is written, each named by its card key, whatever the command.
#[test]
fn core_settings_are_checked_before_any_output() {
    command_rejects(
        "hmc",
        |c| c.replace("step = 0.2\nsteps = 5", "step = 0.2\nsteps = 0"),
        "hmc.steps: need at least 1",
    );
    command_rejects(
        "run",
        |c| c.replace("[sample]\n", "[sample]\nrunaway = 0.5\n"),
        "sample.runaway: must exceed 1, got 0.5",
    );
    command_rejects(
        "train",
        |c| c.replace("samples = 400", "samples = 400\nrcond = 2.0"),
        "flow.rcond: must be in (0, 1), got 2",
    );
    command_rejects(
        "train",
        |c| {
            c.replace(
                "samples = 400",
                "samples = 400\nrefresh = 2\nrefresh_step = 0.0",
            )
        },
        "flow.refresh_step: must be positive, got 0",
    );
    command_rejects(
        "run",
        |c| {
            c.replace(
                "samples = 400",
                "samples = 400\nrefresh = 2\nrefresh_steps = 0",
            )
        },
        "flow.refresh_steps: need at least 1",
    );
    command_rejects(
        "run",
        |c| c.replace("[sample]\n", "[sample]\nrelax = 1\nrelax_step = -0.1\n"),
        "sample.relax_step: must be positive, got -0.1",
    );
    command_rejects(
        "compare",
        |c| c.replace("[sample]\n", "[sample]\nrelax = 2\nrelax_steps = 0\n"),
        "sample.relax_steps: need at least 1",
    );
}

#[test]
fn smoothed_weights_need_reweighting() {
    rejects(
        |c| c.replace("[sample]\n", "[sample]\nweights = \"psis\"\n"),
        "sample.weights: \"psis\" smooths reweighted estimates; it needs correction = \"reweight\"",
    );
}

#[test]
fn a_balanced_grid_needs_relaxation_and_a_known_name() {
    rejects(
        |c| c.replace("[sample]\n", "[sample]\nrelax = 0\ngrid = \"balanced\"\n"),
        "sample.grid: \"balanced\" places the grid times of a relaxed generation; it needs relax = \"auto\" or a count above 0",
    );
    rejects(
        |c| c.replace("[sample]\n", "[sample]\ngrid = \"dense\"\n"),
        "unknown variant `dense`, expected one of `auto`, `even`, `balanced`",
    );
}

#[test]
fn tolerance_out_of_range() {
    rejects(
        |c| c.replace("[sample]\n", "[sample]\ntolerance = 2.0\n"),
        "sample.tolerance: must be in (0, 1), got 2",
    );
}

#[test]
fn non_finite_number() {
    rejects(
        |c| c.replace("lambda = 0.022", "lambda = nan"),
        "target.lambda: must be a finite number",
    );
}

#[test]
fn malformed_toml() {
    rejects(
        |c| c.replace("seed = 1", "seed = = 1"),
        "card.toml: line 5: extra `=`",
    );
}

/// A prior that is not the theory at the path's start is switched off along the path, so
/// the couplings between are not the theory's: a scan of them would mislabel its points.
#[test]
fn scan_with_a_prior_that_is_not_the_path_start() {
    command_rejects(
        "scan",
        |c| c.replace("mass = 0.16", "mass = 0.5"),
        "scan: the prior is not the theory at path.start",
    );
}

/// Tuning fits a free-field prior's zero-mode couplings: a normal or two-well prior has none.
#[test]
fn tuning_a_prior_without_zero_mode_couplings() {
    rejects(
        |c| c.replace("mass = 0.16", "mass = 0.16\nwells = 2.0") + "\n[tune]\nrounds = 2\n",
        "tune.rounds: tuning fits a free-field prior's zero-mode couplings",
    );
}

/// A scan's points must be the theory at their couplings, which a tuned prior switched off
/// along the path breaks.
#[test]
fn scan_that_asks_for_tuning() {
    command_rejects(
        "scan",
        |c| c + "\n[tune]\nrounds = 1\n",
        "tune.rounds: pirk scan does not tune",
    );
}

#[test]
fn tuning_with_too_few_pilot_samples() {
    rejects(
        |c| c + "\n[tune]\nsamples = 3\n",
        "tune.samples: need at least 4 to fit a tilt, got 3",
    );
    rejects(
        |c| c + "\n[tune]\ness = 1.5\n",
        "tune.ess: must be in (0, 1], got 1.5",
    );
}

/// The Wolff refresh moves under the theory alone, not under the path's action with the
/// prior's difference in it.
#[test]
fn wolff_refresh_with_a_prior_that_is_not_the_path_start() {
    rejects(
        |c| {
            c.replace("mass = 0.16", "mass = 0.16\nwells = 2.0")
                .replace(
                    "samples = 400",
                    "samples = 400\nrefresh = 2\nrefresh_with = \"wolff\"",
                )
        },
        "flow.refresh_with: Wolff updates move under the theory alone",
    );
}

/// A minimal card whose quadratic part has no stable Gaussian (a negative kinetic term: κ < 0
/// in the hopping form) and no zero-mode fix for it.
#[test]
fn minimal_card_without_a_stable_gaussian() {
    let (dir, card) = with_card(
        "theory = \"hopping\"\nlattice = [4, 4]\n\n[target]\nkappa = -0.1\nlambda = 0.022\n",
    );
    let out = dir.path().join("out");
    let r = job("run", &card, &out, &[]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains(
            "prior: invalid setting `quadratic part`: its kinetic coefficient -0.100000 is negative"
        ),
        "{stderr}"
    );
    assert_eq!(entries(dir.path()), vec!["card.toml"], "nothing written");
}

#[test]
fn two_well_prior_not_finite() {
    rejects(
        |c| c.replace("mass = 0.16", "mass = 0.16\nwells = nan"),
        "prior.wells: must be a finite number",
    );
}

/// `zm_mass` alone, a negative `zm_quartic`, a zero one whose Gaussian zero mode has no
/// positive mass, and both prior shapes at once.
#[test]
fn zero_mode_prior_settings() {
    rejects(
        |c| c.replace("mass = 0.16", "mass = 0.16\nzm_mass = -0.2"),
        "prior.zm_quartic: required with zm_mass",
    );
    rejects(
        |c| {
            c.replace(
                "mass = 0.16",
                "mass = 0.16\nzm_mass = 0.1\nzm_quartic = -0.1",
            )
        },
        "prior.zm_quartic: must not be negative, got -0.1",
    );
    rejects(
        |c| {
            c.replace(
                "mass = 0.16",
                "mass = 0.16\nzm_mass = -0.25\nzm_quartic = 0.0",
            )
        },
        "prior.zm_quartic: zero needs mass + zm_mass > 0 (a Gaussian zero mode), got -0.09",
    );
    rejects(
        |c| c.replace("mass = 0.16", "mass = 0.16\nwells = 1.0\nzm_quartic = 0.1"),
        "prior.wells: the two-well and zero-mode priors do not combine",
    );
}

#[test]
fn unknown_kernel() {
    rejects(
        |c| c.replace("\"zm1\"]", "\"zm9\"]"),
        "kernels.declared: unknown kernel `zm9`",
    );
}

#[test]
fn unknown_theory_in_expand() {
    let r = pirk(&["expand", "ising"]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("unknown theory `ising`"));
}

#[test]
fn existing_output_directory_needs_force() {
    let (dir, card) = with_card(&tiny_card());
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("keep"), "x").unwrap();
    let r = job("hmc", &card, &out, &[]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("already exists; pass --force"));
    assert_eq!(entries(&out), vec!["keep"]);
    let r = job("hmc", &card, &out, &["--force"]);
    assert!(r.status.success());
    assert!(!out.join("keep").exists() && out.join("report.json").exists());
}

#[test]
fn missing_parents_of_the_output_directory_are_created() {
    let (dir, card) = with_card(&tiny_card());
    let out = dir.path().join("a/b/c/out");
    ok(&job("hmc", &card, &out, &[]));
    assert!(out.join("report.json").exists());
    assert_eq!(entries(&dir.path().join("a/b/c")), vec!["out"]);
}

#[test]
fn a_file_in_the_way_of_the_output_directory() {
    let (dir, card) = with_card(&tiny_card());
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let r = job("hmc", &card, &file.join("sub/out"), &[]);
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(
        err.contains("`") && err.contains("a-file` is a file"),
        "{err}"
    );
    assert_eq!(entries(dir.path()), vec!["a-file", "card.toml"]);
}

#[test]
fn the_output_directory_is_a_file() {
    let (dir, card) = with_card(&tiny_card());
    let file = dir.path().join("out");
    std::fs::write(&file, "x").unwrap();
    let r = job("hmc", &card, &file, &[]);
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("is a file; pass --force"), "{err}");
    assert_eq!(entries(dir.path()), vec!["card.toml", "out"]);
    ok(&job("hmc", &card, &file, &["--force"]));
    assert!(file.join("report.json").exists());
}

/// A directory this process cannot create entries in: a read-only temporary directory, or,
/// where permissions do not bind (root), `/sys`.
fn unwritable_dir(tmp: &std::path::Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = tmp.join("read-only");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let probe = dir.join("probe");
    if std::fs::create_dir(&probe).is_err() {
        return dir;
    }
    std::fs::remove_dir(&probe).unwrap();
    let sys = std::path::PathBuf::from("/sys");
    assert!(
        std::fs::create_dir(sys.join("pirk-probe")).is_err(),
        "no unwritable directory to test with"
    );
    sys
}

#[test]
fn unwritable_parent_of_the_output_directory() {
    let (dir, card) = with_card(&tiny_card());
    let parent = unwritable_dir(dir.path());
    let r = job("hmc", &card, &parent.join("new/out"), &[]);
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(
        err.contains(&format!("`{}` is not writable", parent.display())),
        "{err}"
    );
    assert!(!parent.join("new").exists());
}

#[test]
fn resume_without_an_interrupted_run() {
    let (dir, card) = with_card(&tiny_card());
    let out = dir.path().join("out");
    let r = job("run", &card, &out, &["--resume"]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("--resume: no interrupted run"));
    assert_eq!(entries(dir.path()), vec!["card.toml"]);
}

#[test]
fn generation_steps_that_are_neither_a_count_nor_auto() {
    rejects(
        |c| c.replace("chunk = 100", "chunk = 100\nsteps = \"fast\""),
        "expected a whole number or \"auto\", got \"fast\"",
    );
}

#[test]
fn automatic_steps_with_adaptive_generation() {
    rejects(
        |c| {
            c.replace(
                "chunk = 100",
                "chunk = 100\nsteps = \"auto\"\ntolerance = 1e-3",
            )
        },
        "sample.steps: \"auto\" chooses fixed RK4 steps",
    );
    rejects(
        |c| {
            c.replace(
                "chunk = 100",
                "chunk = 100\nsteps = \"auto\"\nstep_tolerance = 0",
            )
        },
        "sample.step_tolerance: must be positive",
    );
}

#[test]
fn a_lattice_too_large_for_memory() {
    rejects(
        |c| c.replace("lattice = [8, 8]", "lattice = [100000, 100000]"),
        "lattice [100000, 100000]: needs about",
    );
    rejects(
        |c| c.replace("lattice = [8, 8]", "lattice = [4294967296, 4294967296]"),
        "has more sites than this machine can address",
    );
}

#[test]
fn a_collocation_set_too_large_for_memory() {
    rejects(
        |c| c.replace("samples = 400", "samples = 4000000000"),
        "4000000000 collocation samples of 64 sites",
    );
}
