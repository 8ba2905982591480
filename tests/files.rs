//! File round trips and the data readers, against the real MNIST files.

mod common;

use common::{network, param_bits, root};
use pdp::data::PatternSet;
use pdp::sim::Trainer;
use proptest::prelude::*;

proptest! {
    // A fixed seed: the same cases on every run, so a run never fails by chance.
        #![proptest_config(ProptestConfig {
            cases: 64,
            rng_seed: proptest::test_runner::RngSeed::Fixed(64),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]
    /// Any finite f32 survives a weight file, RON or JSON, bit for bit.
    #[test]
    fn weights_round_trip_exactly(bits in proptest::collection::vec(any::<u32>(), 22), json in any::<bool>()) {
        let mut t = Trainer::open(&network("encoder")).unwrap();
        let mut values = bits.iter().map(|&b| f32::from_bits(b)).filter(|v| v.is_finite());
        for p in &mut t.params {
            for w in p.value.iter_mut() {
                *w = values.next().unwrap_or(f32::MIN_POSITIVE / 3.0);
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(if json { "w.json" } else { "w.ron" });
        t.save_weights(&path).unwrap();
        let mut u = Trainer::open(&network("encoder")).unwrap();
        u.load_weights(&path).unwrap();
        prop_assert_eq!(param_bits(&t), param_bits(&u));
    }
}

#[test]
fn mnist_files_hold_what_their_readme_says() {
    let train = PatternSet::load(&root().join("patterns/mnist-train.ron")).unwrap();
    let test = PatternSet::load(&root().join("patterns/mnist-test.ron")).unwrap();
    assert_eq!(
        (train.len(), train.input_size, train.target_size),
        (60000, 784, 10)
    );
    assert_eq!(test.len(), 10000);
    let first: Vec<usize> = (0..10).map(|i| train.label(i).unwrap()).collect();
    assert_eq!(first, [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    let first: Vec<usize> = (0..10).map(|i| test.label(i).unwrap()).collect();
    assert_eq!(first, [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    let mut counts = [0; 10];
    for i in 0..test.len() {
        counts[test.label(i).unwrap()] += 1;
    }
    assert_eq!(
        counts,
        [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    );
    // Inputs are bytes / 255, targets one-hot.
    let x = train.input(0);
    assert!(x.iter().all(|&v| (0.0..=1.0).contains(&v)));
    assert!(x.contains(&1.0) && x.contains(&0.0));
    assert_eq!(train.target(0), [0., 0., 0., 0., 0., 1., 0., 0., 0., 0.]);
}

#[test]
fn idx_limits_and_plain_files() {
    let dir = tempfile::tempdir().unwrap();
    // A plain (not gzipped) IDX pair of three 2x2 images.
    let mut images = vec![0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2];
    images.extend([0, 255, 51, 0, 1, 2, 3, 4, 9, 9, 9, 9]);
    std::fs::write(dir.path().join("i.idx"), &images).unwrap();
    std::fs::write(dir.path().join("l.idx"), [0, 0, 8, 1, 0, 0, 0, 3, 2, 0, 1]).unwrap();
    let pf = dir.path().join("p.ron");
    std::fs::write(
        &pf,
        r#"Patterns(source: Idx(images: "i.idx", labels: "l.idx", limit: 2))"#,
    )
    .unwrap();
    let set = PatternSet::load(&pf).unwrap();
    assert_eq!(set.len(), 2);
    assert_eq!(set.input(0), [0.0, 1.0, 0.2, 0.0]);
    assert_eq!(set.target(0), [0.0, 0.0, 1.0]);
    assert_eq!(set.label(1), Some(0));
    // A file cut short is an error naming it.
    std::fs::write(dir.path().join("i.idx"), &images[..20]).unwrap();
    let err = PatternSet::load(&pf).unwrap_err().to_string();
    assert!(err.contains("i.idx") && err.contains("promises"), "{err}");
}

#[test]
fn csv_patterns_with_labels_and_named_columns() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("d.csv"),
        "id,x,y,kind\na,0.5,1,cat\nb,-1,2.5,dog\n\"c,d\",3,4,cat\n",
    )
    .unwrap();
    let pf = dir.path().join("p.ron");
    std::fs::write(
        &pf,
        r#"Patterns(source: Csv(path: "d.csv", label: "kind", name: "id"))"#,
    )
    .unwrap();
    let set = PatternSet::load(&pf).unwrap();
    assert_eq!((set.len(), set.input_size, set.target_size), (3, 2, 2));
    assert_eq!(set.input(1), [-1.0, 2.5]);
    assert_eq!(set.target(1), [0.0, 1.0]);
    assert_eq!(set.name(2), "c,d");
    assert_eq!(set.classes, ["cat", "dog"]);
    // A bad number is reported at its line and column in the CSV file.
    std::fs::write(
        dir.path().join("d.csv"),
        "id,x,y,kind\na,0.5,1,cat\nb,oops,2,dog\n",
    )
    .unwrap();
    let err = PatternSet::load(&pf).unwrap_err().to_string();
    assert!(
        err.contains("d.csv:3:3: `oops` is not a finite number"),
        "{err}"
    );
}
