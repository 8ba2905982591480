//! Training speed on the shipped networks: `cargo bench --bench training`.
//! `python3 benches/pytorch_reference.py` times PyTorch on the same networks for ratios.

use criterion::{criterion_group, criterion_main, Criterion};
use pdp::sim::{LoadedNetwork, Trainer};
use pdp::spec::Update;
use std::path::Path;
use std::time::Duration;

fn open(name: &str, update: Option<Update>) -> Trainer {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("networks/{name}.ron"));
    let mut loaded = LoadedNetwork::open(&path).unwrap_or_else(|e| panic!("{e}"));
    if let Some(u) = update {
        loaded.spec.training.update = u;
    }
    loaded.spec.training.ecrit = None;
    Trainer::from_loaded(loaded).unwrap_or_else(|e| panic!("{e}"))
}

fn mnist(c: &mut Criterion) {
    let mut g = c.benchmark_group("mnist");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    let mut t = open("mnist", None);
    g.bench_function("epoch, batches of 32", |b| {
        b.iter(|| t.step_epoch().unwrap())
    });
    let mut t = open("mnist", Some(Update::Pattern));
    g.bench_function("epoch, update every pattern", |b| {
        b.iter(|| t.step_epoch().unwrap())
    });
    g.finish();
}

fn xor(c: &mut Criterion) {
    let mut t = open("xor", Some(Update::Pattern));
    c.bench_function("xor: 1000 epochs, update every pattern", |b| {
        b.iter(|| {
            t.reset(1);
            t.train_epochs(1000, |_| {}).unwrap()
        })
    });
}

criterion_group!(benches, xor, mnist);
criterion_main!(benches);
