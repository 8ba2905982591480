//! Settling networks: the IAC and constraint-satisfaction rules against hand computation,
//! the exercises' claims, determinism, bad files, `pdp run`, and the settling screen.

mod common;

use common::{network, root};
use pdp::claims::settling::{self, CubeState};
use pdp::models::Settler;
use std::path::Path;

fn settler(text: &str) -> Settler {
    Settler::from_text(Path::new("test.ron"), text.to_string()).unwrap_or_else(|e| panic!("{e}"))
}

fn error_of(text: &str) -> String {
    match Settler::from_text(Path::new("bad.ron"), text.to_string()) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn one_iac_cycle_matches_the_handbook_equations_by_hand() {
    // Two pools: a and b excite each other (+1); b and c inhibit (-1, same pool).
    let mut s = settler(
        r#"Settling(name: "t", pools: [Pool(name: "p", units: ["a"]), Pool(name: "q", units: ["b", "c"])],
           connections: [("a", "b", 1.0), ("a", "c", 0.5)], within_pools: -1.0,
           update: Iac(), input: {"a": 1.0}, start: Rest)"#,
    );
    let (max, min, rest, decay, alpha, gamma, estr) = (1.0, -0.2, -0.1, 0.1, 0.1, 0.1, 0.4);
    let step = |a: f64, net: f64| {
        let da = if net > 0.0 {
            (max - a) * net - decay * (a - rest)
        } else {
            (a - min) * net - decay * (a - rest)
        };
        (a + da).clamp(min, max)
    };
    let mut a = [rest; 3];
    for _ in 0..5 {
        let out = |v: f64| v.max(0.0);
        let net = [
            alpha * (1.0 * out(a[1]) + 0.5 * out(a[2])) + estr,
            alpha * out(a[0]) + gamma * -out(a[2]),
            alpha * 0.5 * out(a[0]) + gamma * -out(a[1]),
        ];
        a = [step(a[0], net[0]), step(a[1], net[1]), step(a[2], net[2])];
        s.step_cycle();
        for (u, want) in a.iter().enumerate() {
            assert!(
                (s.activation[u] - want).abs() < 1e-12,
                "unit {u}: {} vs {want}",
                s.activation[u]
            );
        }
    }
    assert!(
        a[0] > 0.0 && a[1] > a[2],
        "a rises, and b (more strongly driven) beats c: {a:?}"
    );
}

#[test]
fn schema_hopfield_and_goodness_by_hand() {
    let text = |update: &str| {
        format!(
            r#"Settling(name: "t", pools: [Pool(name: "p", units: ["x", "y"])],
               connections: [("x", "y", -1.0)], bias: {{"x": 0.5, "y": 0.25}},
               update: {update}, input: {{"y": 1.0}})"#
        )
    };
    let mut s = settler(&text("Schema(istr: 2.0, estr: 0.5)"));
    // Units start at 0; goodness = istr (w xy + b.a) + estr (e.a).
    s.activation = vec![0.5, 0.8];
    let g = 2.0 * (-(0.5 * 0.8) + 0.5 * 0.5 + 0.25 * 0.8) + 0.5 * 0.8;
    assert!((s.goodness().unwrap() - g).abs() < 1e-12);
    // One tick updates one unit: net = istr (sum w a + b) + estr e, then a += net (1 - a)
    // when net > 0, a += net a otherwise.
    let before = s.activation.clone();
    let t = s.tick();
    assert_eq!(t.units.len(), 1);
    let u = t.units[0];
    let other = 1 - u;
    let bias = [0.5, 0.25][u];
    let ext = [0.0, 1.0][u];
    let net = 2.0 * (-before[other] + bias) + 0.5 * ext;
    let a = before[u];
    let want = if net > 0.0 {
        a + net * (1.0 - a)
    } else {
        a + net * a
    }
    .clamp(0.0, 1.0);
    assert!(
        (s.activation[u] - want).abs() < 1e-12,
        "{} vs {want}",
        s.activation[u]
    );
    assert_eq!(
        s.activation[other], before[other],
        "the other unit waits its turn"
    );
    // A cycle updates every unit once.
    s.tick();
    assert_eq!(s.cycle, 1);
    // Hopfield: binary units, on exactly when the net input is positive.
    let mut h = settler(&text("Hopfield()"));
    h.run(3, |_| {});
    assert!(h.activation.iter().all(|&a| a == 0.0 || a == 1.0));
    assert!(h.local_maximum());
}

#[test]
fn boltzmann_units_follow_the_logistic_of_net_over_t() {
    // One unit with bias 1 at T = 2: on with probability logistic(0.5) = 0.6225.
    let mut s = settler(
        r#"Settling(name: "t", pools: [Pool(name: "p", units: ["x"])], bias: {"x": 1.0},
           update: Boltzmann(anneal: [(0, 2.0)]))"#,
    );
    let n = 20_000;
    let mut on = 0;
    for _ in 0..n {
        s.step_cycle();
        on += s.activation[0] as usize;
    }
    let p = on as f64 / n as f64;
    let want = 1.0 / (1.0 + (-0.5f64).exp());
    assert!((p - want).abs() < 0.015, "{p} vs {want}");
}

#[test]
fn annealing_schedules_interpolate_and_hold() {
    let s = settler(
        r#"Settling(name: "t", pools: [Pool(name: "p", units: ["x"])],
           update: Boltzmann(anneal: [(0, 2.0), (10, 1.0), (20, 0.5)]))"#,
    );
    let spec::settle::Update::Boltzmann(b) = &s.spec.update else {
        panic!()
    };
    assert_eq!(b.temperature(0), 2.0);
    assert_eq!(b.temperature(5), 1.5);
    assert_eq!(b.temperature(15), 0.75);
    assert_eq!(b.temperature(500), 0.5);
}

use pdp::spec;

#[test]
fn jets_and_sharks_answers_its_probes() {
    for c in settling::jets_sharks(&root().join("networks")).unwrap() {
        println!("{} | {}", c.text, c.detail);
        assert!(c.holds, "{}: {}", c.text, c.detail);
    }
}

#[test]
fn the_necker_cube_settles_into_an_interpretation() {
    for c in settling::necker(&root().join("networks")).unwrap() {
        println!("{} | {}", c.text, c.detail);
        assert!(c.holds, "{}: {}", c.text, c.detail);
    }
}

#[test]
fn annealing_finds_the_global_maximum_more_often() {
    for c in settling::boltzmann(&root().join("networks")).unwrap() {
        println!("{} | {}", c.text, c.detail);
        assert!(c.holds, "{}: {}", c.text, c.detail);
    }
}

#[test]
fn the_cube_reader_names_states() {
    let mut s = Settler::open(&network("necker")).unwrap();
    for u in 0..16 {
        s.activation[u] = if u < 8 { 1.0 } else { 0.0 };
    }
    assert_eq!(settling::read_cube(&s), CubeState::A);
    s.activation.iter_mut().for_each(|a| *a = 0.5);
    assert_eq!(settling::read_cube(&s), CubeState::NotSettled);
    s.activation.iter_mut().for_each(|a| *a = 0.0);
    // All off is not a maximum: any unit would rather be on (bias 0.5).
    assert_eq!(settling::read_cube(&s), CubeState::NotSettled);
}

#[test]
fn same_file_and_seed_give_identical_runs() {
    for name in ["necker", "necker-boltzmann", "jets-sharks"] {
        let mut a = Settler::open(&network(name)).unwrap();
        let mut b = Settler::open(&network(name)).unwrap();
        a.reset(7);
        b.reset(7);
        a.run(60, |_| {});
        b.run(60, |_| {});
        let bits = |s: &Settler| s.activation.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a), bits(&b), "{name}");
        b.reset(8);
        b.run(60, |_| {});
        if name == "necker-boltzmann" {
            assert_ne!(a.history, b.history, "another seed, another run");
        }
    }
}

#[test]
fn bad_settling_files_name_the_place() {
    let base = |extra: &str| {
        format!(
            "Settling(\n    name: \"t\",\n    pools: [Pool(name: \"p\", units: [\"x\", \"y\"])],\n{extra}    update: Hopfield(),\n)"
        )
    };
    let cases = [
        (base("    connections: [(\"x\", \"z\", 1.0)],\n"), "bad.ron:4:25", "no unit or pool `z`"),
        (base("    connections: [(\"x\", \"x\", 1.0)],\n"), "bad.ron:4:19", "cannot connect to itself"),
        (base("    input: {\"X\": 1.0},\n"), "bad.ron:4:13", "did you mean `x`?"),
        (base("    watch: [\"nobody\"],\n"), "bad.ron:4:13", "no unit or pool `nobody`"),
        (
            "Settling(\n    name: \"t\",\n    pools: [Pool(name: \"p\", units: [\"x\", \"x\"])],\n    update: Hopfield(),\n)".to_string(),
            "bad.ron:3:42",
            "`x` is used twice",
        ),
        (
            "Settling(\n    name: \"t\",\n    pools: [Pool(name: \"p\", units: [\"x\"])],\n    update: Boltzmann(anneal: [(0, 1.0), (0, 0.5)]),\n)".to_string(),
            "bad.ron:4:43",
            "must increase",
        ),
        (
            "Settling(\n    name: \"t\",\n    pools: [Pool(name: \"p\", units: [\"x\"])],\n    update: Iac(min: 0.5),\n)".to_string(),
            "bad.ron:4:13",
            "min <= rest <= max",
        ),
        (
            "Settling(\n    name: \"t\",\n    pools: [Pool(name: \"p\", units: [\"x\"])],\n    update: Schema(istr: 1.0, estr: 1.0, tmax: 2),\n)".to_string(),
            "bad.ron:4:42",
            "tmax",
        ),
        (
            "Settling(\n    name: \"t\",\n    table: Table(path: \"nowhere.csv\"),\n    update: Iac(),\n)".to_string(),
            "bad.ron:3:24",
            "nowhere.csv",
        ),
    ];
    let mut wrong = Vec::new();
    for (text, place, message) in cases {
        let e = error_of(&text);
        if !e.starts_with(place) || !e.contains(message) {
            wrong.push(e);
            continue;
        }
        assert!(e.starts_with(place), "{e}\nshould start with {place}");
        assert!(e.contains(message), "{e}\nshould say {message}");
        assert!(e.contains('^'), "a caret under the column: {e}");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_bad_table_row_names_the_csv_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.csv"), "name,gang\nArt,Jets\nAl\n").unwrap();
    let net = dir.path().join("n.ron");
    std::fs::write(
        &net,
        "Settling(name: \"n\", table: Table(path: \"t.csv\"), update: Iac())",
    )
    .unwrap();
    let e = Settler::open(&net).unwrap_err().to_string();
    assert!(
        e.contains("t.csv:3:1") && e.contains("1 fields; the header has 2"),
        "{e}"
    );
}

use common::pdp;

#[test]
fn pdp_run_prints_pools_with_names_and_matches_the_library() {
    let (code, out, err) = pdp(&[
        "run",
        "networks/jets-sharks.ron",
        "--cycles",
        "100",
        "--input",
        "Art",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("jets-sharks after 100 cycles"), "{out}");
    assert!(out.contains("(input: Art=1)"));
    for pool in [
        "name",
        "instances",
        "gang",
        "age",
        "education",
        "marital",
        "occupation",
    ] {
        assert!(out.lines().any(|l| l == pool), "pool {pool} in\n{out}");
    }
    assert!(out.contains("_Art") && out.contains("0.6932*"), "{out}");
    // JSON: one object, the same numbers as the library, bit for bit.
    let (code, out, _) = pdp(&[
        "run",
        "networks/necker-boltzmann.ron",
        "--seed",
        "3",
        "--json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let mut s = Settler::open(&network("necker-boltzmann")).unwrap();
    s.reset(3);
    s.run(s.spec.cycles, |_| {});
    assert_eq!(v["cycle"], 100);
    assert_eq!(v["goodness"].as_f64().unwrap(), s.goodness().unwrap());
    let units = v["pools"][1]["units"].as_array().unwrap();
    assert_eq!(units[0]["name"], "B-fll");
    assert_eq!(units[0]["activation"].as_f64().unwrap(), s.activation[8]);
    // --trace: the start and every cycle.
    let (code, out, _) = pdp(&[
        "run",
        "networks/necker.ron",
        "--cycles",
        "5",
        "--trace",
        "--json",
    ]);
    assert_eq!(code, 0);
    let cycles: Vec<u64> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["cycle"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(cycles, vec![0, 1, 2, 3, 4, 5]);
    // --param and --clamp.
    let (code, out, err) = pdp(&[
        "run",
        "networks/necker.ron",
        "--param",
        "update=hopfield",
        "--clamp",
        "A-fll=1",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["pools"][0]["units"][0]["activation"], 1.0);
}

#[test]
fn pdp_run_refuses_what_it_cannot_do() {
    let (code, _, err) = pdp(&["run", "networks/jets-sharks.ron", "--input", "Arty"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("--input Arty: no unit or pool `Arty`"),
        "{err}"
    );
    let (code, _, err) = pdp(&["run", "networks/jets-sharks.ron", "--input", "Art=lots"]);
    assert_eq!(code, 1);
    assert!(err.contains("`lots` is not a number"), "{err}");
    let (code, _, err) = pdp(&["run", "networks/xor.ron"]);
    assert_eq!(code, 1);
    assert!(err.contains("a network that learns"), "{err}");
    let (code, _, err) = pdp(&["train", "networks/necker.ron"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("settling network") && err.contains("pdp run"),
        "{err}"
    );
    let (code, out, _) = pdp(&["check", "networks/jets-sharks.ron", "networks/necker.ron"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("settling network `jets-sharks` (iac): 68 units in 7 pools"),
        "{out}"
    );
}
