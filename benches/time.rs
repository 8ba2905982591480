//! Networks in time: `cargo bench --bench time`. `python3 benches/pytorch_reference.py --time`
//! times PyTorch's nn.RNN (per-step training) and nn.LSTM on the same sizes. The LSTM's
//! products are timed alone too, for work on the product kernels.

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

/// The products of that LSTM benchmark, alone: at each step the recurrent matrix (256x64)
/// times the cells' last output (64x16) and, going back, its transpose (stored, 64x256) times
/// the gates' errors (256x16); once a window, the summed changes, the gates' errors of all
/// 50 steps (256x800) times the outputs (800x64).
fn products(c: &mut Criterion) {
    use nalgebra::DMatrix;
    use pdp::engine::gemm::{gemm, Mat, MatMut};
    let mut g = c.benchmark_group("lstm products");
    let fill = |r: usize, k: usize| {
        DMatrix::from_fn(r, k, |i, j| ((i * 7 + j * 13) % 17) as f32 / 17.0 - 0.5)
    };
    for (name, m, k, n, b_transposed) in [
        ("step forward 256x64 . 64x16", 256, 64, 16, false),
        ("step backward 64x256 . 256x16", 64, 256, 16, false),
        ("window changes 256x800 . (64x800)^T", 256, 800, 64, true),
    ] {
        let a = fill(m, k);
        let b = if b_transposed { fill(n, k) } else { fill(k, n) };
        let mut out = DMatrix::zeros(m, n);
        g.bench_function(name, |bench| {
            bench.iter(|| {
                let bm = if b_transposed {
                    Mat::of(&b).t()
                } else {
                    Mat::of(&b)
                };
                gemm(1.0, Mat::of(&a), bm, 0.0, MatMut::of(&mut out));
            })
        });
    }
    g.finish();
}

criterion_group!(benches, srn, lstm, products);
criterion_main!(benches);
