//! Generated campaigns: the shipped demo ([`demo`]) and benchmark campaigns
//! of any size ([`bench`]), built from the same realistic files ([`files`]).

pub mod bench;
pub mod demo;
pub mod files;
mod jpeg_docx;
