//! Networks in time: `cargo bench --bench time`. `python3 benches/pytorch_reference.py --time`
//! times PyTorch's nn.RNN (per-step training) and nn.LSTM on the same sizes.

use criterion::{criterion_group, criterion_main, Criterion};
use pdp::sim::Trainer;
use std::path::Path;
use std::time::Duration;

fn open(path: &str) -> Trainer {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    Trainer::open(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn srn(c: &mut Criterion) {
    let mut g = c.benchmark_group("srn");
    g.sample_size(20).measurement_time(Duration::from_secs(10));
    let mut t = open("networks/letters.ron");
    g.bench_function("letters epoch (2985 steps, update every step)", |b| {
        b.iter(|| t.step_epoch().unwrap())
    });
    g.finish();
}

fn lstm(c: &mut Criterion) {
    let mut g = c.benchmark_group("lstm");
    g.sample_size(10).measurement_time(Duration::from_secs(15));
    let mut t = open("benches/networks/lstm64.ron");
    g.bench_function(
        "epoch: 256 sequences of 50 steps, 64 cells, batches of 16",
        |b| b.iter(|| t.step_epoch().unwrap()),
    );
    g.finish();
}

criterion_group!(benches, srn, lstm);
criterion_main!(benches);
