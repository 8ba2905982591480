//! A product kernel that reads A's columns where they lie, without packing, for AVX-512 and
//! for AVX2 with fused multiply-adds.
//!
//! An LSTM step multiplies a 4n x n recurrent matrix by a block of 16 columns: too little
//! work for sgemm's packing of the whole matrix to pay for itself at every step. Here C is
//! computed in blocks of up to three registers of rows by up to 8 (AVX-512) or 4 (AVX2)
//! columns, the sums held in registers, each column of A loaded once per block and each
//! element of B broadcast. Every element of C is the sum over p in order of fused
//! multiply-adds, then alpha s (or beta c + alpha s): the same operations whatever the block
//! shape or the register width, so AVX-512 and AVX2 give the same bits, and where a block's
//! edges fall does not matter.

// The register blocks are indexed by row register and column, as the algebra reads.
#![allow(clippy::needless_range_loop)]

use super::Mat;
use std::arch::x86_64::*;

/// A register of floats, with masked loads and stores for the rows past the last.
trait Lanes: Copy {
    const WIDTH: usize;
    type Mask: Copy;
    /// The first `n` lanes (1 <= n <= WIDTH).
    unsafe fn first(n: usize) -> Self::Mask;
    unsafe fn all() -> Self::Mask;
    unsafe fn zero() -> Self;
    unsafe fn splat(x: f32) -> Self;
    /// Loads the masked lanes from `p` (the others are zero and never read).
    unsafe fn load(m: Self::Mask, p: *const f32) -> Self;
    unsafe fn store(m: Self::Mask, p: *mut f32, v: Self);
    /// a b + c, rounded once.
    unsafe fn fma(a: Self, b: Self, c: Self) -> Self;
    unsafe fn mul(a: Self, b: Self) -> Self;
    unsafe fn add(a: Self, b: Self) -> Self;
}

impl Lanes for __m512 {
    const WIDTH: usize = 16;
    type Mask = u16;
    #[inline(always)]
    unsafe fn first(n: usize) -> u16 {
        if n >= 16 {
            u16::MAX
        } else {
            (1u16 << n) - 1
        }
    }
    #[inline(always)]
    unsafe fn all() -> u16 {
        u16::MAX
    }
    #[inline(always)]
    unsafe fn zero() -> Self {
        _mm512_setzero_ps()
    }
    #[inline(always)]
    unsafe fn splat(x: f32) -> Self {
        _mm512_set1_ps(x)
    }
    #[inline(always)]
    unsafe fn load(m: u16, p: *const f32) -> Self {
        _mm512_maskz_loadu_ps(m, p)
    }
    #[inline(always)]
    unsafe fn store(m: u16, p: *mut f32, v: Self) {
        _mm512_mask_storeu_ps(p, m, v)
    }
    #[inline(always)]
    unsafe fn fma(a: Self, b: Self, c: Self) -> Self {
        _mm512_fmadd_ps(a, b, c)
    }
    #[inline(always)]
    unsafe fn mul(a: Self, b: Self) -> Self {
        _mm512_mul_ps(a, b)
    }
    #[inline(always)]
    unsafe fn add(a: Self, b: Self) -> Self {
        _mm512_add_ps(a, b)
    }
}

impl Lanes for __m256 {
    const WIDTH: usize = 8;
    /// A lane is on where its integer's sign bit is set.
    type Mask = __m256i;
    #[inline(always)]
    unsafe fn first(n: usize) -> __m256i {
        let n = n.min(8) as i32;
        _mm256_cmpgt_epi32(
            _mm256_set1_epi32(n),
            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
        )
    }
    #[inline(always)]
    unsafe fn all() -> __m256i {
        _mm256_set1_epi32(-1)
    }
    #[inline(always)]
    unsafe fn zero() -> Self {
        _mm256_setzero_ps()
    }
    #[inline(always)]
    unsafe fn splat(x: f32) -> Self {
        _mm256_set1_ps(x)
    }
    #[inline(always)]
    unsafe fn load(m: __m256i, p: *const f32) -> Self {
        _mm256_maskload_ps(p, m)
    }
    #[inline(always)]
    unsafe fn store(m: __m256i, p: *mut f32, v: Self) {
        _mm256_maskstore_ps(p, m, v)
    }
    #[inline(always)]
    unsafe fn fma(a: Self, b: Self, c: Self) -> Self {
        _mm256_fmadd_ps(a, b, c)
    }
    #[inline(always)]
    unsafe fn mul(a: Self, b: Self) -> Self {
        _mm256_mul_ps(a, b)
    }
    #[inline(always)]
    unsafe fn add(a: Self, b: Self) -> Self {
        _mm256_add_ps(a, b)
    }
}

/// C = alpha A B + beta C for A with contiguous columns (`a.rs == 1`), with AVX-512: blocks
/// of 48 rows by 8 columns (24 registers of sums). C is column-major with `a.rows` rows;
/// with beta = 0, its old contents play no part.
///
/// # Safety
/// The processor must have AVX-512F; the operands' shapes must agree (checked by `gemm`), and
/// every element (i, p) of A and (p, j) of B must lie inside its slice (as `Mat` guarantees).
#[target_feature(enable = "avx512f")]
pub unsafe fn avx512(alpha: f32, a: Mat, b: Mat, beta: f32, c: &mut [f32]) {
    panel::<__m512, 8>(alpha, a, b, beta, c)
}

/// The same with AVX2 and FMA: blocks of 24 rows by 4 columns (12 registers of sums, of 16).
///
/// # Safety
/// As `avx512`, for a processor with AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
pub unsafe fn avx2(alpha: f32, a: Mat, b: Mat, beta: f32, c: &mut [f32]) {
    panel::<__m256, 4>(alpha, a, b, beta, c)
}

#[inline(always)]
unsafe fn panel<V: Lanes, const NR: usize>(alpha: f32, a: Mat, b: Mat, beta: f32, c: &mut [f32]) {
    debug_assert!(a.rs == 1 && a.cols == b.rows && c.len() == a.rows * b.cols);
    let (m, w) = (a.rows, V::WIDTH);
    let mut i = 0;
    while i + 3 * w <= m {
        rows::<V, 3, NR>(alpha, a, b, beta, c, i, V::all());
        i += 3 * w;
    }
    let rest = m - i;
    if rest == 0 {
        return;
    }
    // The last one to three registers of rows, the last of them masked to the rows there are.
    let vecs = rest.div_ceil(w);
    let mask = V::first(rest - w * (vecs - 1));
    match vecs {
        1 => rows::<V, 1, NR>(alpha, a, b, beta, c, i, mask),
        2 => rows::<V, 2, NR>(alpha, a, b, beta, c, i, mask),
        _ => rows::<V, 3, NR>(alpha, a, b, beta, c, i, mask),
    }
}

/// Rows i0 .. i0 + MV registers (the last masked) of every column of C: blocks of NR
/// columns, then at most one of 4 and one of 1 to 3.
#[inline(always)]
unsafe fn rows<V: Lanes, const MV: usize, const NR: usize>(
    alpha: f32,
    a: Mat,
    b: Mat,
    beta: f32,
    c: &mut [f32],
    i0: usize,
    mask: V::Mask,
) {
    let n = b.cols;
    let mut j = 0;
    while j + NR <= n {
        block::<V, MV, NR>(alpha, a, b, beta, c, i0, j, mask);
        j += NR;
    }
    if NR > 4 && j + 4 <= n {
        block::<V, MV, 4>(alpha, a, b, beta, c, i0, j, mask);
        j += 4;
    }
    match n - j {
        0 => {}
        1 => block::<V, MV, 1>(alpha, a, b, beta, c, i0, j, mask),
        2 => block::<V, MV, 2>(alpha, a, b, beta, c, i0, j, mask),
        _ => block::<V, MV, 3>(alpha, a, b, beta, c, i0, j, mask),
    }
}

/// One block: rows i0 .. i0 + MV registers, columns j0 .. j0 + N.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn block<V: Lanes, const MV: usize, const N: usize>(
    alpha: f32,
    a: Mat,
    b: Mat,
    beta: f32,
    c: &mut [f32],
    i0: usize,
    j0: usize,
    mask: V::Mask,
) {
    let (m, w) = (a.rows, V::WIDTH);
    let masks: [V::Mask; MV] = std::array::from_fn(|v| if v + 1 == MV { mask } else { V::all() });
    let mut acc = [[V::zero(); N]; MV];
    // SAFETY (for the pointer arithmetic below): lanes past the last row are masked off, so
    // every load reads elements (i, p) with i < m, p < k of A, (p, j) with j < n of B, and
    // every store writes C's own elements.
    let ap = a.data.as_ptr().add(i0);
    let bp = b.data.as_ptr().add(j0 * b.cs);
    for p in 0..a.cols {
        let col = ap.add(p * a.cs);
        let av: [V; MV] = std::array::from_fn(|v| V::load(masks[v], col.add(w * v)));
        let brow = bp.add(p * b.rs);
        for j in 0..N {
            let bv = V::splat(*brow.add(j * b.cs));
            for v in 0..MV {
                acc[v][j] = V::fma(av[v], bv, acc[v][j]);
            }
        }
    }
    let al = V::splat(alpha);
    let out = c.as_mut_ptr();
    for j in 0..N {
        for v in 0..MV {
            let o = out.add((j0 + j) * m + i0 + w * v);
            let sum = acc[v][j];
            // As the other paths: alpha s, or beta c + alpha s.
            let r = if beta == 0.0 {
                V::mul(al, sum)
            } else {
                let old = V::load(masks[v], o);
                V::add(V::mul(V::splat(beta), old), V::mul(al, sum))
            };
            V::store(masks[v], o, r);
        }
    }
}
