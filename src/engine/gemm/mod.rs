//! Matrix products for the core: C = alpha * op(A) * op(B) + beta * C, on column-major
//! nalgebra storage.
//!
//! Large products go straight to matrixmultiply's sgemm with the strides of a transposed view,
//! because nalgebra's `tr_mul`/`gemm_tr` never reach sgemm (about ten times slower) and its
//! transposed views with five or fewer columns read out of bounds (nalgebra issue 1616).
//! Vectors and tiny matrices (per-pattern training, XOR) take plain loops, where sgemm's
//! packing would cost more than the arithmetic. Where the processor has AVX-512 or AVX2 with
//! FMA, products whose A has contiguous columns and fits the level-2 cache (an LSTM's
//! recurrent matrix at every step, a window's summed changes) take `panel`, which reads A
//! unpacked. The choice depends on the shapes and the processor alone, so on one machine the
//! same shapes always give the same bits.

use super::wide::wide;
use nalgebra::DMatrix;

#[cfg(target_arch = "x86_64")]
mod panel;

/// Below this many multiply-adds a product runs as plain loops.
const SMALL: usize = 4096;

/// Which `panel` kernel this processor can run, if any (checked once, then cached by the
/// standard library).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
enum Panel {
    Avx512,
    Avx2,
}

impl Panel {
    /// Up to this many elements of A, a product with A's columns contiguous reads them where
    /// they lie (`panel`) rather than packing them for sgemm: A must stay in the level-2
    /// cache while each block of C is summed. A megabyte on processors with AVX-512 (which
    /// have at least that), 256 KB on the others (laptops with half a megabyte).
    fn limit(self) -> usize {
        match self {
            Panel::Avx512 => 1 << 18,
            Panel::Avx2 => 1 << 16,
        }
    }
}

#[cfg(target_arch = "x86_64")]
fn panel_kernel() -> Option<Panel> {
    if std::arch::is_x86_feature_detected!("avx512f") {
        Some(Panel::Avx512)
    } else if std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("fma")
    {
        Some(Panel::Avx2)
    } else {
        None
    }
}

#[cfg(target_arch = "x86_64")]
fn panel(kernel: Panel, alpha: f32, a: Mat, b: Mat, beta: f32, c: &mut [f32]) {
    // SAFETY: `kernel` is one `panel_kernel` found on this processor (or, in the tests, one
    // it has); the shapes are `gemm`'s, checked, and every element of the operands lies
    // inside its slice (the `Mat` constructors assert it).
    unsafe {
        match kernel {
            Panel::Avx512 => panel::avx512(alpha, a, b, beta, c),
            Panel::Avx2 => panel::avx2(alpha, a, b, beta, c),
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn panel_kernel() -> Option<Panel> {
    None
}

#[cfg(not(target_arch = "x86_64"))]
fn panel(_: Panel, _: f32, _: Mat, _: Mat, _: f32, _: &mut [f32]) {
    unreachable!("no panel kernel off x86-64")
}

/// A read-only operand: column-major storage seen as-is or transposed.
#[derive(Clone, Copy)]
pub struct Mat<'a> {
    data: &'a [f32],
    /// Logical shape, after any transposition.
    rows: usize,
    cols: usize,
    /// Strides of the logical matrix: element (i, j) is `data[i * rs + j * cs]`.
    rs: usize,
    cs: usize,
}

impl<'a> Mat<'a> {
    /// A whole matrix.
    pub fn of(m: &'a DMatrix<f32>) -> Self {
        Self::cols(m, m.ncols())
    }

    /// The first `n` columns of a matrix (a batch that does not fill its buffer).
    pub fn cols(m: &'a DMatrix<f32>, n: usize) -> Self {
        assert!(n <= m.ncols(), "{n} columns of a matrix with {}", m.ncols());
        Self::slice(&m.as_slice()[..m.nrows() * n], m.nrows(), n)
    }

    /// A column-major slice of `rows * cols` values.
    pub fn slice(data: &'a [f32], rows: usize, cols: usize) -> Self {
        assert_eq!(
            data.len(),
            rows * cols,
            "slice length does not match its shape"
        );
        Mat {
            data,
            rows,
            cols,
            rs: 1,
            cs: rows.max(1),
        }
    }

    /// Rows `start..start + rows` of a matrix (one gate's block of an LSTM layer's weights).
    pub fn rows_of(m: &'a DMatrix<f32>, start: usize, rows: usize) -> Self {
        let (total, cols) = m.shape();
        assert!(
            start + rows <= total,
            "rows {start}..{} of {total}",
            start + rows
        );
        let data = &m.as_slice()[start.min(m.len())..];
        Mat {
            data,
            rows,
            cols: if rows == 0 { 0 } else { cols },
            rs: 1,
            cs: total.max(1),
        }
    }

    pub fn t(self) -> Self {
        Mat {
            data: self.data,
            rows: self.cols,
            cols: self.rows,
            rs: self.cs,
            cs: self.rs,
        }
    }

    #[inline(always)]
    fn at(&self, i: usize, j: usize) -> f32 {
        self.data[i * self.rs + j * self.cs]
    }
}

/// The output: a column-major slice.
pub struct MatMut<'a> {
    data: &'a mut [f32],
    rows: usize,
    cols: usize,
}

impl<'a> MatMut<'a> {
    pub fn of(m: &'a mut DMatrix<f32>) -> Self {
        let n = m.ncols();
        Self::cols(m, n)
    }

    pub fn cols(m: &'a mut DMatrix<f32>, n: usize) -> Self {
        assert!(n <= m.ncols(), "{n} columns of a matrix with {}", m.ncols());
        let rows = m.nrows();
        Self::slice(&mut m.as_mut_slice()[..rows * n], rows, n)
    }

    pub fn slice(data: &'a mut [f32], rows: usize, cols: usize) -> Self {
        assert_eq!(
            data.len(),
            rows * cols,
            "slice length does not match its shape"
        );
        MatMut { data, rows, cols }
    }
}

/// C = alpha * A * B + beta * C. With beta = 0, C's old contents are never read.
pub fn gemm(alpha: f32, a: Mat, b: Mat, beta: f32, c: MatMut) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    assert_eq!(
        b.rows, k,
        "inner dimensions differ: {m}x{k} times {}x{n}",
        b.rows
    );
    assert_eq!(
        (c.rows, c.cols),
        (m, n),
        "output is {}x{}, product {m}x{n}",
        c.rows,
        c.cols
    );
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        scale(c.data, beta);
        return;
    }
    if n == 1 {
        matvec(alpha, a, b, beta, c.data);
    } else if k == 1 {
        outer(alpha, a, b, beta, c);
    } else if m * n * k < SMALL || ((k <= 8 || n <= 8) && a.rs == 1) {
        // Few sending units (an LSTM's one-hot input) or few receiving ones (the changes of
        // the weights from that input, summed over a window): packing for sgemm costs more
        // than the products, which the loops below do column by column, skipping zeros.
        small(alpha, a, b, beta, c);
    } else if let Some(kernel) = panel_kernel().filter(|p| a.rs == 1 && m * k <= p.limit()) {
        panel(kernel, alpha, a, b, beta, c.data);
    } else {
        // SAFETY: the asserts above and in the constructors guarantee that every element
        // (i, j) addressed through the strides lies inside its slice, for i < rows, j < cols;
        // C is a distinct, exclusively borrowed slice with row stride 1, column stride m.
        unsafe {
            matrixmultiply::sgemm(
                m,
                k,
                n,
                alpha,
                a.data.as_ptr(),
                a.rs as isize,
                a.cs as isize,
                b.data.as_ptr(),
                b.rs as isize,
                b.cs as isize,
                beta,
                c.data.as_mut_ptr(),
                1,
                m as isize,
            );
        }
    }
}

/// alpha s + beta old; with beta = 0, old plays no part (it may be anything, NaN too).
#[inline(always)]
fn combine(alpha: f32, s: f32, beta: f32, old: f32) -> f32 {
    if beta == 0.0 {
        alpha * s
    } else {
        beta * old + alpha * s
    }
}

fn scale(c: &mut [f32], beta: f32) {
    if beta == 0.0 {
        c.fill(0.0);
    } else if beta != 1.0 {
        c.iter_mut().for_each(|v| *v *= beta);
    }
}

/// y = alpha * A x + beta * y.
fn matvec(alpha: f32, a: Mat, x: Mat, beta: f32, y: &mut [f32]) {
    let k = a.cols;
    if a.rs == 1 {
        // Columns of A are contiguous: add alpha * x_p * A[:, p] for each p, skipping the
        // zeros that sparse inputs (MNIST's background) are full of.
        scale(y, beta);
        for p in 0..k {
            let xp = x.at(p, 0);
            if xp == 0.0 {
                continue;
            }
            let s = alpha * xp;
            let col = &a.data[p * a.cs..p * a.cs + a.rows];
            for (yi, &w) in y.iter_mut().zip(col) {
                *yi += s * w;
            }
        }
    } else {
        // A is a transposed view: each row of A is a contiguous stored column: dot products.
        let xs: Vec<f32>;
        let xv: &[f32] = if x.rs == 1 {
            &x.data[..k]
        } else {
            xs = (0..k).map(|p| x.at(p, 0)).collect();
            &xs
        };
        for (i, yi) in y.iter_mut().enumerate() {
            let row = &a.data[i * a.rs..i * a.rs + k];
            let dot = dot(row, xv);
            *yi = combine(alpha, dot, beta, *yi);
        }
    }
}

/// A dot product in eight lanes, so that the compiler vectorises it.
#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let chunks = a.len() / 8;
    for c in 0..chunks {
        for l in 0..8 {
            acc[l] += a[c * 8 + l] * b[c * 8 + l];
        }
    }
    let mut s = 0.0;
    for i in chunks * 8..a.len() {
        s += a[i] * b[i];
    }
    (acc[0] + acc[4]) + (acc[1] + acc[5]) + (acc[2] + acc[6]) + (acc[3] + acc[7]) + s
}

/// C = alpha * a b^T + beta * C, for a column a and a row b (k = 1).
fn outer(alpha: f32, a: Mat, b: Mat, beta: f32, c: MatMut) {
    let m = c.rows;
    let av: Vec<f32>;
    let col: &[f32] = if a.rs == 1 {
        &a.data[..m]
    } else {
        av = (0..m).map(|i| a.at(i, 0)).collect();
        &av
    };
    for j in 0..c.cols {
        let s = alpha * b.at(0, j);
        let out = &mut c.data[j * m..(j + 1) * m];
        if beta == 0.0 {
            if s == 0.0 {
                out.fill(0.0);
            } else {
                for (o, &v) in out.iter_mut().zip(col) {
                    *o = s * v;
                }
            }
        } else {
            if beta != 1.0 {
                out.iter_mut().for_each(|o| *o *= beta);
            }
            if s != 0.0 {
                for (o, &v) in out.iter_mut().zip(col) {
                    *o += s * v;
                }
            }
        }
    }
}

/// The products too small for sgemm, and those with a handful of sending units. Each takes
/// the loop order that suits its shape, copying A into the layout
/// that order reads contiguously: for eight or more rows, columns of A scaled by B's entries
/// and summed (vectorised over rows, zeros of B skipped: a one-hot input, an output's error
/// at a step without a target); for fewer, dot products of A's rows with B's columns.
fn small(alpha: f32, a: Mat, b: Mat, beta: f32, c: MatMut) {
    SCRATCH.with_borrow_mut(|scratch| {
        wide(
            #[inline(always)]
            || small_in(alpha, a, b, beta, c, scratch),
        )
    });
}

thread_local! {
    /// Room for `small`'s copies, kept between calls so that a tiny product allocates nothing.
    static SCRATCH: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

#[inline(always)]
fn small_in(alpha: f32, a: Mat, b: Mat, beta: f32, c: MatMut, scratch: &mut Vec<f32>) {
    let (m, k) = (a.rows, a.cols);
    let need = m * k + m.max(k);
    if scratch.len() < need {
        scratch.resize(need, 0.0);
    }
    let (packed, rest) = scratch.split_at_mut(m * k);
    if m >= 8 {
        // A column by column, contiguous.
        let (cols, cs): (&[f32], usize) = if a.rs == 1 {
            (a.data, a.cs)
        } else {
            let buf = &mut *packed;
            for p in 0..k {
                for (i, v) in buf[p * m..(p + 1) * m].iter_mut().enumerate() {
                    *v = a.at(i, p);
                }
            }
            (buf, m)
        };
        let sum = &mut rest[..m];
        for j in 0..c.cols {
            sum.fill(0.0);
            for p in 0..k {
                let bp = b.at(p, j);
                if bp == 0.0 {
                    continue;
                }
                let col = &cols[p * cs..p * cs + m];
                for (si, &ai) in sum.iter_mut().zip(col) {
                    *si += ai * bp;
                }
            }
            let out = &mut c.data[j * m..(j + 1) * m];
            for (o, &si) in out.iter_mut().zip(sum.iter()) {
                *o = combine(alpha, si, beta, *o);
            }
        }
        return;
    }
    // A row by row, contiguous.
    let rows = &mut *packed;
    for i in 0..m {
        for (p, v) in rows[i * k..(i + 1) * k].iter_mut().enumerate() {
            *v = a.at(i, p);
        }
    }
    let bcol = &mut rest[..k];
    for j in 0..c.cols {
        let col: &[f32] = if b.rs == 1 {
            &b.data[j * b.cs..j * b.cs + k]
        } else {
            for (p, v) in bcol.iter_mut().enumerate() {
                *v = b.at(p, j);
            }
            bcol
        };
        for i in 0..m {
            let s = dot(&rows[i * k..(i + 1) * k], col);
            let o = &mut c.data[i + j * m];
            *o = combine(alpha, s, beta, *o);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &DMatrix<f32>, b: &DMatrix<f32>) -> DMatrix<f32> {
        let mut c = DMatrix::zeros(a.nrows(), b.ncols());
        for i in 0..a.nrows() {
            for j in 0..b.ncols() {
                let mut s = 0.0f64;
                for p in 0..a.ncols() {
                    s += a[(i, p)] as f64 * b[(p, j)] as f64;
                }
                c[(i, j)] = s as f32;
            }
        }
        c
    }

    fn filled(r: usize, c: usize, seed: u32) -> DMatrix<f32> {
        DMatrix::from_fn(r, c, |i, j| {
            let h = (i as u32 * 7919 + j as u32 * 104729 + seed * 31337) % 1000;
            // Some exact zeros, as in sparse inputs.
            if h.is_multiple_of(7) {
                0.0
            } else {
                h as f32 / 500.0 - 1.0
            }
        })
    }

    /// Every path (vector, outer product, small loops, sgemm), every transposition, against
    /// a plain f64 product, including the batch sizes at and below five columns that broke
    /// nalgebra's transposed products.
    #[test]
    fn all_paths_match_a_plain_product() {
        let shapes = [
            (3, 4, 1),
            (128, 784, 1),
            (784, 128, 1),
            (5, 1, 6),
            (128, 1, 784),
            (2, 2, 4),
            (7, 3, 5),
            (40, 30, 2),
            (64, 50, 5),
            (128, 784, 32),
            (10, 128, 3),
            (2, 64, 16),
            (64, 2, 16),
            (300, 7, 16),
            // The AVX-512 panel's edges: rows short of a register or of a block of 48,
            // columns short of a block of 8.
            (61, 37, 13),
            (250, 64, 13),
            (33, 16, 17),
            (48, 40, 24),
            (17, 20, 9),
        ];
        for &(m, k, n) in &shapes {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let a = if ta { filled(k, m, 1) } else { filled(m, k, 1) };
                let b = if tb { filled(n, k, 2) } else { filled(k, n, 2) };
                let a_log = if ta { a.transpose() } else { a.clone() };
                let b_log = if tb { b.transpose() } else { b.clone() };
                let want = naive(&a_log, &b_log);
                let c0 = filled(m, n, 3);
                for (alpha, beta) in [(1.0, 0.0), (-0.5, 1.0), (2.0, 0.25)] {
                    let mut c = c0.clone();
                    let am = if ta { Mat::of(&a).t() } else { Mat::of(&a) };
                    let bm = if tb { Mat::of(&b).t() } else { Mat::of(&b) };
                    gemm(alpha, am, bm, beta, MatMut::of(&mut c));
                    let expect = &want * alpha + &c0 * beta;
                    let err = (&c - &expect).abs().max();
                    assert!(
                        err < 1e-3 * (k as f32).sqrt(),
                        "{m}x{k}x{n} ta={ta} tb={tb} alpha={alpha} beta={beta}: error {err}"
                    );
                }
            }
        }
    }

    /// Both panel kernels, where the processor has them, against a plain product, and
    /// against each other bit for bit (the same fused multiply-adds in the same order).
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_panel_kernels_match_a_plain_product_and_each_other() {
        let kernels: Vec<Panel> = [Panel::Avx512, Panel::Avx2]
            .into_iter()
            .filter(|k| match k {
                Panel::Avx512 => std::arch::is_x86_feature_detected!("avx512f"),
                Panel::Avx2 => {
                    std::arch::is_x86_feature_detected!("avx2")
                        && std::arch::is_x86_feature_detected!("fma")
                }
            })
            .collect();
        for &(m, k, n) in &[
            (256, 64, 16),
            (61, 37, 13),
            (7, 5, 3),
            (100, 30, 9),
            (24, 8, 4),
        ] {
            for tb in [false, true] {
                let a = filled(m, k, 1);
                let b = if tb { filled(n, k, 2) } else { filled(k, n, 2) };
                let bm = if tb { Mat::of(&b).t() } else { Mat::of(&b) };
                let want = naive(&a, &if tb { b.transpose() } else { b.clone() });
                let c0 =
                    DMatrix::from_fn(m, n, |i, j| if (i + j) % 5 == 0 { f32::NAN } else { 0.5 });
                let mut results = Vec::new();
                for &kernel in &kernels {
                    for (alpha, beta) in [(1.0, 0.0), (-0.5, 1.0), (2.0, 0.25)] {
                        let mut c = if beta == 0.0 {
                            c0.clone()
                        } else {
                            DMatrix::from_element(m, n, 0.5)
                        };
                        let old = c.clone();
                        panel(kernel, alpha, Mat::of(&a), bm, beta, c.as_mut_slice());
                        // With beta = 0 the old values (NaN among them) play no part.
                        let expect = if beta == 0.0 {
                            &want * alpha
                        } else {
                            &want * alpha + old * beta
                        };
                        let err = (&c - &expect).abs().max();
                        assert!(
                            err < 1e-3 * (k as f32).sqrt(),
                            "{kernel:?} {m}x{k}x{n} tb={tb}: {err}"
                        );
                        results.push(c);
                    }
                }
                if kernels.len() == 2 {
                    let (x, y) = results.split_at(3);
                    for (p, q) in x.iter().zip(y) {
                        assert!(p
                            .iter()
                            .zip(q.iter())
                            .all(|(u, v)| u.to_bits() == v.to_bits()));
                    }
                }
            }
        }
    }

    #[test]
    fn beta_zero_ignores_nan_in_the_output() {
        let a = filled(20, 30, 1);
        let b = filled(30, 10, 2);
        let mut c = DMatrix::from_element(20, 10, f32::NAN);
        gemm(1.0, Mat::of(&a), Mat::of(&b), 0.0, MatMut::of(&mut c));
        assert!(c.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn a_prefix_of_columns_is_a_smaller_batch() {
        // Through the small loops, then the large paths (sgemm, or the AVX-512 panel with
        // masked rows).
        for (m, k, cols, used) in [(6, 8, 10, 3), (61, 40, 20, 11)] {
            let w = filled(m, k, 1);
            let x = filled(k, cols, 2);
            let mut y = DMatrix::zeros(m, cols);
            gemm(
                1.0,
                Mat::of(&w),
                Mat::cols(&x, used),
                0.0,
                MatMut::cols(&mut y, used),
            );
            let want = naive(&w, &x.columns(0, used).into_owned());
            assert!((y.columns(0, used) - want).abs().max() < 1e-4);
            assert!(y.columns(used, cols - used).iter().all(|&v| v == 0.0));
        }
    }
}
