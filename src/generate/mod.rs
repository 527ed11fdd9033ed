//! Generated campaigns: the shipped demo ([`demo`]) and benchmark campaigns
//! of any size, built from the same realistic files ([`files`]).

pub mod demo;
pub mod files;
