//! Elementwise loops compiled for the widest vector instructions the processor has.
//!
//! The crate is built for any x86-64, whose baseline vectors are four floats wide; an LSTM
//! step's gates and cells are long elementwise loops that run two to four times faster with
//! AVX2 or AVX-512. `wide(|| ...)` runs its closure inside a function compiled with those
//! instructions when the processor has them (checked once, then cached by the standard
//! library). The arithmetic is the same operations in the same order in every version (no
//! fused multiply-adds, no reordering), so the results are the same bits on every machine.

/// Runs `f`, compiled for AVX-512 or AVX2 where the processor has them.
#[inline(always)]
pub fn wide<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the processor has AVX-512F, the only requirement of `avx512`.
            return unsafe { avx512(f) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2.
            return unsafe { avx2(f) };
        }
    }
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn avx512<R>(f: impl FnOnce() -> R) -> R {
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn avx2<R>(f: impl FnOnce() -> R) -> R {
    f()
}
