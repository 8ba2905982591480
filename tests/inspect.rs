//! `pdp inspect`: every analysis as text, CSV and PNG; activations as CSV and .npy.

mod common;

use common::{pdp_binary, root};
use std::process::Command;

fn pdp(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(pdp_binary())
        .current_dir(root())
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The width and height of a PNG file, from its header.
fn png_size(path: &std::path::Path) -> (u32, u32) {
    let b = std::fs::read(path).unwrap();
    assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n", "a PNG file");
    let be = |o: usize| u32::from_be_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]);
    (be(16), be(20))
}

#[test]
fn every_analysis_writes_text_csv_and_png() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("w.ron");
    let (code, _, err) = pdp(&[
        "train",
        "networks/semantic.ron",
        "--epochs",
        "600",
        "--save",
        w.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "rsa",
            &["--layer", "representation"],
            "cosine similarity of the class-mean patterns at representation",
        ),
        (
            "pca",
            &["--layer", "representation"],
            "principal components of the class-mean patterns at representation",
        ),
        (
            "cluster",
            &["--layer", "representation"],
            "average-linkage cluster tree",
        ),
        (
            "hinton",
            &["--layer", "representation"],
            "Hinton diagram of representation<-item",
        ),
    ];
    for (analysis, extra, head) in cases {
        let csv = dir.path().join(format!("{analysis}.csv"));
        let png = dir.path().join(format!("{analysis}.png"));
        let mut args = vec![
            "inspect",
            "networks/semantic.ron",
            "--weights",
            w.to_str().unwrap(),
            analysis,
        ];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[
            "--csv",
            csv.to_str().unwrap(),
            "--png",
            png.to_str().unwrap(),
        ]);
        let (code, out, err) = pdp(&args);
        assert_eq!(code, 0, "{analysis}: {err}");
        assert!(out.starts_with(head), "{analysis}:\n{out}");
        assert!(
            std::fs::read_to_string(&csv).unwrap().lines().count() > 2,
            "{analysis} CSV"
        );
        let (pw, ph) = png_size(&png);
        assert!(pw >= 600 && ph >= 600, "{analysis}: {pw}x{ph}");
    }
    // The cluster tree names the items and the first split.
    let (_, out, _) = pdp(&[
        "inspect",
        "networks/semantic.ron",
        "--weights",
        w.to_str().unwrap(),
        "cluster",
        "--layer",
        "representation",
    ]);
    assert!(out.contains("first split: "));
    for item in [
        "Pine", "Oak", "Rose", "Daisy", "Robin", "Canary", "Sunfish", "Salmon",
    ] {
        assert!(out.contains(item), "{item}");
    }
    // The similarity CSV is a labelled square matrix with a unit diagonal.
    let csv = std::fs::read_to_string(dir.path().join("rsa.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 9);
    assert_eq!(rows[0].len(), 9);
    for (i, row) in rows.iter().enumerate().skip(1) {
        assert_eq!(row[i].parse::<f64>().unwrap(), 1.0);
        assert_eq!(rows[0][i], row[0], "labels match");
    }
}

#[test]
fn confusion_needs_labels_and_reports_the_largest_confusion() {
    let (code, out, err) = pdp(&["inspect", "networks/encoder.ron", "confusion"]);
    assert_eq!(code, 1);
    assert!(err.contains("class labels"), "{err}{out}");
}

#[test]
fn snapshots_run_the_analysis_at_each_epoch_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("s.png");
    let csv = dir.path().join("s.csv");
    let (code, out, err) = pdp(&[
        "inspect",
        "networks/encoder.ron",
        "cluster",
        "--layer",
        "hidden",
        "--snapshots",
        "0,20,200",
        "--png",
        png.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    for e in ["== epoch 0 ==", "== epoch 20 ==", "== epoch 200 =="] {
        assert!(out.contains(e), "{e}");
    }
    let (w, _) = png_size(&png);
    let (single, _) = {
        let p = dir.path().join("one.png");
        pdp(&[
            "inspect",
            "networks/encoder.ron",
            "cluster",
            "--layer",
            "hidden",
            "--png",
            p.to_str().unwrap(),
        ]);
        png_size(&p)
    };
    assert_eq!(w, 3 * single, "three panels side by side");
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert!(csv.starts_with("epoch,join,left,right,height\n"));
    assert_eq!(csv.lines().filter(|l| l.starts_with("200,")).count(), 3);
    let (code, _, err) = pdp(&[
        "inspect",
        "networks/encoder.ron",
        "pca",
        "--snapshots",
        "20,10",
    ]);
    assert_eq!(code, 1, "{err}");
}

#[test]
fn activations_export_to_csv_and_npy() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("a.csv");
    let npy = dir.path().join("a.npy");
    let (code, out, err) = pdp(&[
        "inspect",
        "networks/xor.ron",
        "activations",
        "--layer",
        "hidden",
        "--csv",
        csv.to_str().unwrap(),
        "--npy",
        npy.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "4 patterns x 2 units at hidden\n");
    let csv = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "item,hidden_0,hidden_1");
    assert!(lines[1].starts_with("p00,"));
    let b = std::fs::read(&npy).unwrap();
    let hlen = u16::from_le_bytes([b[8], b[9]]) as usize;
    assert!(std::str::from_utf8(&b[10..10 + hlen])
        .unwrap()
        .contains("'shape': (4, 2)"));
    let first = f32::from_le_bytes([b[10 + hlen], b[11 + hlen], b[12 + hlen], b[13 + hlen]]);
    let from_csv: f32 = lines[1].split(',').nth(1).unwrap().parse().unwrap();
    assert_eq!(first, from_csv);
}

#[test]
fn item_by_item_analyses_of_too_many_patterns_are_refused() {
    let (code, _, err) = pdp(&["inspect", "networks/mnist.ron", "rsa", "--by", "pattern"]);
    assert_eq!(code, 1);
    assert!(err.contains("10000 items are too many"), "{err}");
}
