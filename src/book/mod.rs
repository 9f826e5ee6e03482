//! Loading a book folder into the document model. The only stage that reads source files.

pub mod model;
