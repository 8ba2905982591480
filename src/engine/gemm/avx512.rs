//! A product kernel for AVX-512 that reads A's columns where they lie, without packing.
//!
//! An LSTM step multiplies a 4n x n recurrent matrix by a block of 16 columns: too little
//! work for sgemm's packing of the whole matrix to pay for itself at every step. Here C is
//! computed in blocks of up to 48 rows (three registers of 16) by 8 columns, 24 registers of
//! sums, each column of A loaded once per block and each element of B broadcast: every
//! element of C is the sum over p in order of fused multiply-adds, the same in every block
//! shape, so the result does not depend on where a block's edges fall.

// The register blocks are indexed by row register and column, as the algebra reads.
#![allow(clippy::needless_range_loop)]

use super::Mat;
use std::arch::x86_64::*;

/// Columns of a block.
const NR: usize = 8;

/// C = alpha A B + beta C for A with contiguous columns (`a.rs == 1`); C is column-major with
/// `a.rows` rows. With beta = 0, C's old contents are never read.
///
/// # Safety
/// The processor must have AVX-512F; the operands' shapes must agree (checked by `gemm`), and
/// every element (i, p) of A and (p, j) of B must lie inside its slice (as `Mat` guarantees).
#[target_feature(enable = "avx512f")]
pub unsafe fn panel(alpha: f32, a: Mat, b: Mat, beta: f32, c: &mut [f32]) {
    debug_assert!(a.rs == 1 && a.cols == b.rows && c.len() == a.rows * b.cols);
    let m = a.rows;
    let mut i = 0;
    while i + 48 <= m {
        rows::<3>(alpha, a, b, beta, c, i, u16::MAX);
        i += 48;
    }
    let rest = m - i;
    if rest == 0 {
        return;
    }
    // The last one to three registers of rows, the last of them masked to the rows there are.
    let vecs = rest.div_ceil(16);
    let tail = rest - 16 * (vecs - 1);
    let mask = if tail == 16 {
        u16::MAX
    } else {
        (1u16 << tail) - 1
    };
    match vecs {
        1 => rows::<1>(alpha, a, b, beta, c, i, mask),
        2 => rows::<2>(alpha, a, b, beta, c, i, mask),
        _ => rows::<3>(alpha, a, b, beta, c, i, mask),
    }
}

/// Rows i0 .. i0 + 16 MV (the last register masked) of every column of C.
#[inline(always)]
unsafe fn rows<const MV: usize>(
    alpha: f32,
    a: Mat,
    b: Mat,
    beta: f32,
    c: &mut [f32],
    i0: usize,
    mask: u16,
) {
    let n = b.cols;
    let mut j = 0;
    while j + NR <= n {
        block::<MV, NR>(alpha, a, b, beta, c, i0, j, mask);
        j += NR;
    }
    match n - j {
        0 => {}
        1 => block::<MV, 1>(alpha, a, b, beta, c, i0, j, mask),
        2 => block::<MV, 2>(alpha, a, b, beta, c, i0, j, mask),
        3 => block::<MV, 3>(alpha, a, b, beta, c, i0, j, mask),
        4 => block::<MV, 4>(alpha, a, b, beta, c, i0, j, mask),
        5 => block::<MV, 5>(alpha, a, b, beta, c, i0, j, mask),
        6 => block::<MV, 6>(alpha, a, b, beta, c, i0, j, mask),
        _ => block::<MV, 7>(alpha, a, b, beta, c, i0, j, mask),
    }
}

/// One block: rows i0 .. i0 + 16 MV, columns j0 .. j0 + N.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn block<const MV: usize, const N: usize>(
    alpha: f32,
    a: Mat,
    b: Mat,
    beta: f32,
    c: &mut [f32],
    i0: usize,
    j0: usize,
    mask: u16,
) {
    let m = a.rows;
    let masks: [u16; MV] = std::array::from_fn(|v| if v + 1 == MV { mask } else { u16::MAX });
    let mut acc = [[_mm512_setzero_ps(); N]; MV];
    // SAFETY (for the pointer arithmetic below): rows i0 .. i0 + 16 MV beyond the last row are
    // masked off, so every load reads elements (i, p) with i < m, p < k of A, (p, j) with
    // j < n of B, and every store writes C's own elements.
    let ap = a.data.as_ptr().add(i0);
    let bp = b.data.as_ptr().add(j0 * b.cs);
    for p in 0..a.cols {
        let col = ap.add(p * a.cs);
        let av: [__m512; MV] =
            std::array::from_fn(|v| _mm512_maskz_loadu_ps(masks[v], col.add(16 * v)));
        let brow = bp.add(p * b.rs);
        for j in 0..N {
            let bv = _mm512_set1_ps(*brow.add(j * b.cs));
            for v in 0..MV {
                acc[v][j] = _mm512_fmadd_ps(av[v], bv, acc[v][j]);
            }
        }
    }
    let al = _mm512_set1_ps(alpha);
    let out = c.as_mut_ptr();
    for j in 0..N {
        for v in 0..MV {
            let o = out.add((j0 + j) * m + i0 + 16 * v);
            let sum = acc[v][j];
            // As the other paths: alpha s, or beta c + alpha s.
            let r = if beta == 0.0 {
                _mm512_mul_ps(al, sum)
            } else {
                let old = _mm512_maskz_loadu_ps(masks[v], o);
                _mm512_add_ps(
                    _mm512_mul_ps(_mm512_set1_ps(beta), old),
                    _mm512_mul_ps(al, sum),
                )
            };
            _mm512_mask_storeu_ps(o, masks[v], r);
        }
    }
}
