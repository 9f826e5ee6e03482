//! A section's front matter: `+++` TOML or `---` YAML (as static-site tools write it) → the
//! section's own keys, and what YAML says about the whole book.

use super::*;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FrontMatter {
    pub(super) title: Option<String>,
    pub(super) author: Option<String>,
    pub(super) kicker: Option<String>,
    pub(super) role: Option<String>,
    /// Read from YAML front matter instead of TOML.
    #[serde(skip)]
    pub(super) yaml: Option<crate::book::yaml::YamlFront>,
}

/// Records what YAML front matter says beyond the section's own keys.
pub(super) fn note_yaml(ctx: &mut Context, rel: &Path, y: &crate::book::yaml::YamlFront) {
    ctx.notes.site_keys.extend(y.site_keys.iter().cloned());
    if let Some(d) = &y.date {
        ctx.notes.dates.push(d.clone());
    }
    if y.draft {
        ctx.notes.drafts.push(rel.to_path_buf());
    }
    for (key, line) in &y.unknown {
        ctx.warnings.push(
            Diagnostic::warning(format!(
                "front matter key `{key}` means nothing to bookpress: passed over"
            ))
            .in_file(rel)
            .at(*line, 1)
            .hint("keys read: title, author(s), kicker, role, date, description, draft"),
        );
    }
}

/// Splits front matter from the body (`+++` TOML, or `---` YAML as static-site tools write
/// it); returns the body and its first line number.
pub(super) fn split_front_matter<'t>(
    text: &'t str,
    rel: &Path,
) -> Result<(FrontMatter, &'t str, u32)> {
    match crate::book::yaml::split(text) {
        Some(Ok((y, body, line))) => {
            let fm = FrontMatter {
                title: y.title.clone(),
                author: y.author.clone(),
                kicker: y.kicker.clone(),
                role: y.role.clone(),
                yaml: Some(y),
            };
            return Ok((fm, body, line));
        }
        Some(Err((msg, line))) => {
            return Err(
                Diagnostic::error(format!("invalid YAML front matter: {msg}"))
                    .in_file(rel)
                    .at(line, 1)
                    .hint("fix the YAML between the `---` lines (quote values holding `:` or `[`)")
                    .into(),
            );
        }
        None => {}
    }
    let fence = crate::book::markdown::fence(text).filter(|f| f.kind == FrontKind::Toml);
    let Some(fence) = fence else {
        return Ok((FrontMatter::default(), text, 1));
    };
    let Some(body) = fence.body else {
        return Err(Diagnostic::error("front matter is not closed")
            .in_file(rel)
            .at(1, 1)
            .hint("end the front matter with a line holding only `+++`")
            .into());
    };
    let toml_text = &text[fence.inner];
    let fm: FrontMatter = toml::from_str(toml_text).map_err(|e| {
        let (line, col) = e.span().map_or((0, 0), |s| line_col(toml_text, s.start));
        Diagnostic::error(format!("invalid front matter: {}", e.message()))
            .in_file(rel)
            .at(line + 1, col)
            .hint("front matter keys are title, author, kicker and role (\"preface\")")
    })?;
    let body_line = 3 + toml_text.matches('\n').count() as u32;
    Ok((fm, &text[body..], body_line))
}

pub(super) fn front_matter_line(text: &str, key: &str) -> u32 {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map_or(1, |i| i as u32 + 1)
}
