//! The package: the OPF (metadata, manifest, spine), the container files and the zip.

use super::*;

pub(super) fn opf_document(
    book: &Book,
    items: &[Item],
    spine: &[&str],
    font_embedded: bool,
    a11y_meta: &str,
) -> String {
    let m = &book.meta;
    let lang = lang_of(book);
    let mut md = String::new();
    md.push_str(&format!(
        "<dc:identifier id=\"bookid\">{}</dc:identifier>\n",
        xml::text(&m.identifier)
    ));
    md.push_str(&format!(
        "<dc:title id=\"title\">{}</dc:title>\n",
        xml::text(&m.title)
    ));
    md.push_str(&format!("<dc:language>{}</dc:language>\n", xml::text(lang)));
    for (i, a) in m.authors.iter().enumerate() {
        md.push_str(&format!(
            "<dc:creator id=\"aut-{n}\">{}</dc:creator>\n<meta refines=\"#aut-{n}\" property=\"role\" scheme=\"marc:relators\">aut</meta>\n",
            xml::text(a),
            n = i + 1
        ));
    }
    for (i, e) in m.editors.iter().enumerate() {
        md.push_str(&format!(
            "<dc:contributor id=\"edt-{n}\">{}</dc:contributor>\n<meta refines=\"#edt-{n}\" property=\"role\" scheme=\"marc:relators\">edt</meta>\n",
            xml::text(e),
            n = i + 1
        ));
    }
    if let Some(s) = m.series.as_deref().filter(|s| !s.trim().is_empty()) {
        md.push_str(&format!(
            "<meta property=\"belongs-to-collection\" id=\"series\">{}</meta>\n<meta refines=\"#series\" property=\"collection-type\">series</meta>\n",
            xml::text(s)
        ));
    }
    md.push_str(&format!(
        "<meta property=\"dcterms:modified\">{}</meta>\n",
        crate::date::Utc::from_unix(m.modified_unix).iso8601()
    ));
    if font_embedded {
        md.push_str("<meta property=\"ibooks:specified-fonts\">true</meta>\n");
    }
    md.push_str(a11y_meta);
    md.push_str("<meta name=\"cover\" content=\"cover-image\"/>\n");

    let mut manifest = String::new();
    for it in items {
        manifest.push_str(&format!(
            "<item id=\"{}\" href=\"{}\" media-type=\"{}\"{}/>\n",
            it.id,
            xml::attr(&it.href),
            it.media_type,
            it.properties
                .map(|p| format!(" properties=\"{p}\""))
                .unwrap_or_default()
        ));
    }
    let mut itemrefs = String::new();
    for id in spine {
        itemrefs.push_str(&format!("<itemref idref=\"{id}\"/>\n"));
    }
    // Columns run right to left, so pages do too: the reader turns them leftwards.
    let direction = if vertical(book) {
        " page-progression-direction=\"rtl\""
    } else {
        ""
    };
    let prefix = if font_embedded {
        " prefix=\"ibooks: http://vocabulary.itunes.apple.com/rdf/ibooks/vocabulary-extensions-1.0/\""
    } else {
        ""
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"bookid\" xml:lang=\"{}\"{prefix}>\n\
<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n{md}</metadata>\n\
<manifest>\n{manifest}</manifest>\n<spine toc=\"ncx\"{direction}>\n{itemrefs}</spine>\n</package>\n",
        xml::attr(lang)
    )
}

pub(super) const CONTAINER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n\
<rootfiles>\n<rootfile full-path=\"OEBPS/content.opf\" media-type=\"application/oebps-package+xml\"/>\n</rootfiles>\n\
</container>\n";

pub(super) const IBOOKS_OPTIONS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<display_options>\n<platform name=\"*\">\n<option name=\"specified-fonts\">true</option>\n</platform>\n</display_options>\n";

/// Zip timestamp for every entry: the book's modification time, or 1980-01-01 when it does not
/// fit the DOS date range.
pub(super) fn zip_time(unix: i64) -> DateTime {
    let t = crate::date::Utc::from_unix(unix);
    u16::try_from(t.year)
        .ok()
        .and_then(|y| {
            DateTime::from_date_and_time(y, t.month, t.day, t.hour, t.minute, t.second).ok()
        })
        .unwrap_or_default()
}

pub(super) fn zip_package(files: &[(String, Vec<u8>)], modified_unix: i64) -> Result<Vec<u8>> {
    let err = |e: &dyn std::fmt::Display| {
        Diagnostic::error(format!("cannot write the EPUB archive: {e}"))
    };
    let time = zip_time(modified_unix);
    let base = SimpleFileOptions::default()
        .last_modified_time(time)
        .unix_permissions(0o644)
        .system(zip::System::Unix);
    let stored = base.compression_method(CompressionMethod::Stored);
    let deflated = base
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6));
    let mut zw = ZipWriter::new(Cursor::new(Vec::new()));
    zw.start_file("mimetype", stored).map_err(|e| err(&e))?;
    zw.write_all(b"application/epub+zip").map_err(|e| err(&e))?;
    for (path, data) in files {
        // Pictures are compressed already: deflating them again saves about 1 % and costs
        // most of the time of writing (and reading back) an illustrated book's EPUB.
        let how = if is_compressed_picture(path) {
            stored
        } else {
            deflated
        };
        zw.start_file(path.as_str(), how).map_err(|e| err(&e))?;
        zw.write_all(data).map_err(|e| err(&e))?;
    }
    let cursor = zw.finish().map_err(|e| err(&e))?;
    Ok(cursor.into_inner())
}

fn is_compressed_picture(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".gif", ".webp"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}
