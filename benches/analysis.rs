//! Analyses of the 10,000 MNIST test patterns at a 128-unit layer: `cargo bench --bench analysis`.

use criterion::{criterion_group, criterion_main, Criterion};
use pdp::analysis::{self, Grouping, Linkage, Similarity};
use pdp::sim::Trainer;
use std::path::Path;

fn mnist_analyses(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("networks/mnist.ron");
    let mut t = Trainer::open(&path).unwrap();
    let test = t.test.clone().unwrap();
    let h2 = t.net.layer_index("h2").unwrap();
    let output = t.net.output;
    let mut g = c.benchmark_group("analyses of 10,000 test patterns");
    g.sample_size(10);
    g.bench_function("activations at h2 (the forward pass)", |b| {
        b.iter(|| analysis::activations(&mut t, &test, h2))
    });
    let acts = analysis::activations(&mut t, &test, h2);
    let out = analysis::activations(&mut t, &test, output);
    g.bench_function("rsa of the class means at h2", |b| {
        b.iter(|| {
            analysis::similarity(
                &analysis::group(&acts, Grouping::Class).unwrap(),
                Similarity::Cosine,
            )
        })
    });
    g.bench_function("confusability at the output", |b| {
        b.iter(|| analysis::confusability(&out).unwrap())
    });
    g.bench_function("pca of the 10,000 patterns at h2", |b| {
        b.iter(|| analysis::pca(&analysis::group(&acts, Grouping::Pattern).unwrap()))
    });
    g.bench_function("cluster tree of the class means at h2", |b| {
        b.iter(|| {
            analysis::cluster(
                &analysis::group(&acts, Grouping::Class).unwrap(),
                Linkage::Average,
            )
        })
    });
    g.bench_function("all of them, from the forward pass", |b| {
        b.iter(|| {
            let a = analysis::activations(&mut t, &test, h2);
            let o = analysis::activations(&mut t, &test, output);
            let items = analysis::group(&a, Grouping::Class).unwrap();
            (
                analysis::similarity(&items, Similarity::Cosine),
                analysis::confusability(&o).unwrap(),
                analysis::pca(&analysis::group(&a, Grouping::Pattern).unwrap()),
                analysis::cluster(&items, Linkage::Average),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, mnist_analyses);
criterion_main!(benches);
