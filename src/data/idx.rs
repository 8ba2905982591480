//! IDX files (the MNIST format): big-endian header, then unsigned bytes; gzip or plain.

use super::{data_error, Inputs, PatternSet, Targets};
use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// Reads a file, inflating it if it starts with gzip's magic bytes.
fn read_maybe_gzip(path: &Path) -> Result<Vec<u8>> {
    let raw = std::fs::read(path).map_err(|e| Error::io(path, &e))?;
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(raw.len() * 6);
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .map_err(|e| data_error(path, format!("cannot decompress: {e}")))?;
        Ok(out)
    } else {
        Ok(raw)
    }
}

/// The dimensions and the data of an IDX file of unsigned bytes.
fn parse(path: &Path, bytes: &[u8]) -> Result<(Vec<usize>, std::ops::Range<usize>)> {
    if bytes.len() < 4 || bytes[0] != 0 || bytes[1] != 0 {
        return Err(data_error(
            path,
            "not an IDX file (it should start with two zero bytes)",
        ));
    }
    if bytes[2] != 0x08 {
        return Err(data_error(
            path,
            format!(
                "IDX type code 0x{:02x}: only unsigned bytes (0x08) are read",
                bytes[2]
            ),
        ));
    }
    let ndim = bytes[3] as usize;
    let header = 4 + 4 * ndim;
    if bytes.len() < header {
        return Err(data_error(path, "the IDX header is cut short"));
    }
    let dims: Vec<usize> = (0..ndim)
        .map(|d| {
            let b = &bytes[4 + 4 * d..8 + 4 * d];
            u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize
        })
        .collect();
    let count = dims.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
    match count {
        Some(n) if bytes.len() - header >= n => Ok((dims, header..header + n)),
        _ => Err(data_error(
            path,
            format!(
                "the IDX header promises {} bytes of data but the file holds {}",
                dims.iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join(" x "),
                bytes.len() - header
            ),
        )),
    }
}

pub(super) fn load(
    images_path: &Path,
    labels_path: &Path,
    limit: Option<usize>,
    scale: f32,
) -> Result<PatternSet> {
    let images = read_maybe_gzip(images_path)?;
    let (idims, irange) = parse(images_path, &images)?;
    if idims.is_empty() {
        return Err(data_error(images_path, "the image file has no dimensions"));
    }
    let labels = read_maybe_gzip(labels_path)?;
    let (ldims, lrange) = parse(labels_path, &labels)?;
    if ldims.len() != 1 {
        return Err(data_error(
            labels_path,
            format!("a label file has one dimension, this one {}", ldims.len()),
        ));
    }
    if ldims[0] != idims[0] {
        return Err(data_error(
            labels_path,
            format!(
                "{} labels for {} images in {}",
                ldims[0],
                idims[0],
                images_path.display()
            ),
        ));
    }
    let n = limit.map_or(idims[0], |l| l.min(idims[0]));
    let size: usize = idims[1..].iter().product();
    let label_bytes = &labels[lrange][..n];
    let classes = label_bytes
        .iter()
        .copied()
        .max()
        .map_or(0, |m| m as usize + 1);
    let mut set = PatternSet::empty(images_path);
    set.input_size = size;
    set.target_size = classes;
    set.classes = (0..classes).map(|c| c.to_string()).collect();
    set.len = n;
    let mut data = images;
    data.copy_within(irange.start..irange.start + n * size, 0);
    data.truncate(n * size);
    data.shrink_to_fit();
    set.inputs = Inputs::Bytes { data, scale };
    set.targets = Targets::OneHot;
    set.labels = Some(label_bytes.iter().map(|&b| b as u16).collect());
    Ok(set)
}
