//! Generated campaigns: the two shipped demos ([`demo`], 泸溪 2025 at the
//! repository root; [`jianchang`], 建昌 2023 in `examples/jianchang-2023/`)
//! and benchmark campaigns of any size ([`bench`]), built from the same
//! realistic files ([`files`]).

pub mod bench;
pub mod demo;
pub mod files;
pub mod jianchang;
mod jpeg_docx;
