//! Training schedules: stages that train on one set, then another, or several interleaved;
//! sets evaluated every epoch; and the exercises that use them.

mod common;

use pdp::sim::Trainer;

use common::check;

#[test]
fn xor_exercise() {
    check(pdp::claims::backprop::xor(&common::root().join("networks")).unwrap());
}

#[test]
fn interference_exercise() {
    check(pdp::claims::backprop::interference(&common::root().join("networks")).unwrap());
}

#[test]
fn stages_change_the_training_set_at_their_epoch_and_every_set_is_evaluated() {
    let mut t = Trainer::open(&common::network("interference-interleaved")).unwrap();
    assert_eq!(t.spec.training.epochs, 600, "the stages' epochs in all");
    assert_eq!(t.train.name, "A");
    t.train_epochs(300, |_| {}).unwrap();
    assert_eq!(
        t.train.name, "A + B",
        "the second stage interleaves the two lists"
    );
    assert_eq!(t.train.len(), 16);
    assert_eq!(t.train.name(8), "B:b1");
    let r = t.history.last().unwrap();
    assert_eq!(
        r.sets.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["A", "B"]
    );
    // Each evaluated set's figures are what evaluating it gives.
    let a = t.evaluations[0].clone();
    let before = t.clone();
    let mut probe = before.clone();
    let totals = probe.evaluate(&a, |_, _, _| {});
    assert_eq!(r.sets[0].loss, totals.sse);
    // Reset goes back to the first stage; resuming from saved weights goes to the stage of
    // their epoch.
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("w.ron");
    t.train_epochs(5, |_| {}).unwrap();
    t.save_weights(&w).unwrap();
    t.reset(1);
    assert_eq!((t.epoch, t.train.name.as_str()), (0, "A"));
    t.load_weights(&w).unwrap();
    assert_eq!((t.epoch, t.train.name.as_str()), (305, "A + B"));
    let mut uninterrupted = before;
    uninterrupted.train_epochs(6, |_| {}).unwrap();
    t.train_epochs(1, |_| {}).unwrap();
    assert_eq!(common::param_bits(&t), common::param_bits(&uninterrupted));
}

#[test]
fn bad_schedules_name_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let net = |schedule: &str| {
        format!(
            "Network(\n name: \"s\",\n layers: [Layer(name: \"x\", size: 2), Layer(name: \"y\", size: 1)],\n projections: [Projection(from: \"x\", to: \"y\")],\n schedule: [{schedule}],\n)"
        )
    };
    let xor = common::root().join("patterns/xor.ron");
    let cases = [
        (
            format!("Stage(train: [\"{}\"], epochs: 0)", xor.display()),
            "a stage lasts at least one epoch",
        ),
        (
            "Stage(train: [], epochs: 3)".to_string(),
            "at least one pattern file",
        ),
        (
            "Stage(train: [\"nowhere.ron\"], epochs: 3)".to_string(),
            "nowhere.ron",
        ),
    ];
    for (schedule, message) in cases {
        let path = dir.path().join("n.ron");
        std::fs::write(&path, net(&schedule)).unwrap();
        let e = match Trainer::open(&path) {
            Ok(_) => panic!("accepted {schedule}"),
            Err(e) => e.to_string(),
        };
        assert!(e.contains("n.ron:5:") && e.contains(message), "{e}");
    }
}
