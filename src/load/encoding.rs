//! Text encodings. Attribute text reaches sise as UTF-8 or not at all: a
//! GBK Shapefile without a .cpg (what Chinese desktop GIS writes) or a GBK
//! CSV is either decoded with the layer's `encoding` or refused, naming the
//! encoding that does decode it. Mojibake never reaches an output.

use std::path::{Path, PathBuf};

use encoding_rs::Encoding;

use crate::config::LayerConfig;
use crate::error::{Bad, Error, Result};
use crate::msg::{InMemoryPart, Msg};

/// What GDAL opens for a layer, so that its text arrives as UTF-8.
pub struct Decoded {
    /// The file GDAL opens: the layer's own, or a UTF-8 copy in GDAL's memory file system.
    pub path: PathBuf,
    /// Open options (the Shapefile driver's ENCODING).
    pub options: Vec<String>,
    /// The memory copy, removed when dropped (after the dataset).
    pub mem: Option<MemFile>,
}

/// A file in GDAL's /vsimem/ over bytes sise keeps (GDAL only reads them),
/// unlinked on drop before the bytes are freed. GDAL is not given the
/// bytes to free: it would free them with the C library's `free`, and they
/// come from Rust's allocator (mimalloc in the binary).
pub struct MemFile {
    path: PathBuf,
    _bytes: Vec<u8>,
}

impl MemFile {
    /// `bytes` as a file named like `cfg`'s in a folder of its own; `what`
    /// says what it holds, for the error.
    pub fn for_layer(cfg: &LayerConfig, what: InMemoryPart, bytes: Vec<u8>) -> Result<MemFile> {
        MemFile::for_file(&cfg.path, what, bytes)
    }

    /// `bytes` as a file named like `file` in a folder of its own (unique per call).
    pub fn for_file(file: &Path, what: InMemoryPart, bytes: Vec<u8>) -> Result<MemFile> {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let path = PathBuf::from(format!("/vsimem/sise-{}-{}-{n}/{name}", what.slug(), std::process::id()));
        MemFile::new(path, bytes).map_err(|e| Error::input(Bad::File, file, None, Msg::InMemory { what, detail: e }))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn new(path: PathBuf, mut bytes: Vec<u8>) -> std::result::Result<MemFile, String> {
        let name = std::ffi::CString::new(path.to_string_lossy().as_bytes()).map_err(|e| e.to_string())?;
        // SAFETY: `bytes` stays alive and unmoved on the heap inside the
        // MemFile, which unlinks the file (in `drop`) before freeing them;
        // bTakeOwnership = FALSE, so GDAL never frees them.
        let handle = unsafe { gdal_sys::VSIFileFromMemBuffer(name.as_ptr(), bytes.as_mut_ptr(), bytes.len() as u64, 0) };
        if handle.is_null() {
            return Err("GDAL refused the in-memory file".into());
        }
        // SAFETY: a handle GDAL just returned, closed once.
        unsafe { gdal_sys::VSIFCloseL(handle) };
        Ok(MemFile { path, _bytes: bytes })
    }
}

impl Drop for MemFile {
    fn drop(&mut self) {
        let _ = gdal::vsi::unlink_mem_file(&self.path);
    }
}

enum Kind {
    /// A Shapefile's .dbf: the driver recodes it.
    Dbf(PathBuf),
    /// A text format GDAL reads as UTF-8 (CSV, GeoJSON): sise decodes it.
    Text,
    /// Formats that are UTF-8 by definition (GeoPackage, FlatGeobuf…).
    Other,
}

fn kind(path: &Path) -> Kind {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "shp" | "dbf" => {
            let dbf = ["dbf", "DBF"].iter().map(|e| path.with_extension(e)).find(|p| p.exists()).unwrap_or_else(|| path.with_extension("dbf"));
            Kind::Dbf(dbf)
        }
        "csv" | "tsv" | "txt" | "geojson" | "json" => Kind::Text,
        _ => Kind::Other,
    }
}

/// The encoding named by a layer's `encoding` key.
fn named(file: &Path, label: &str) -> Result<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| Error::input(Bad::File, file, None, Msg::UnknownEncoding { label: label.to_owned() }))
}

/// The first common encoding that decodes `bytes` without error, for the message.
fn guess(bytes: &[u8]) -> Option<&'static str> {
    [encoding_rs::GB18030, encoding_rs::BIG5, encoding_rs::SHIFT_JIS, encoding_rs::EUC_KR]
        .into_iter()
        .find(|e| e.decode_without_bom_handling_and_without_replacement(bytes).is_some())
        .map(|e| if e == encoding_rs::GB18030 { "GBK" } else { e.name() })
}

/// Refuse text that is not UTF-8 and names no encoding.
fn not_utf8(file: &Path, bytes: &[u8], dbf: bool, section: &'static str) -> Error {
    Error::input(Bad::Type, file, None, Msg::NotUtf8 { dbf, decodes_as: guess(bytes), section })
}

/// Language driver ids (byte 29 of a .dbf) of code pages GDAL decodes itself.
const CJK_LDIDS: [u8; 6] = [0x13, 0x4D, 0x4E, 0x4F, 0x7A, 0x7B];

/// A text file's content as UTF-8.
pub struct Utf8 {
    /// The file's bytes (a byte-order mark kept), or their UTF-8 decoding.
    pub bytes: Vec<u8>,
    /// Whether the bytes were decoded from the layer's `encoding`.
    pub transcoded: bool,
}

impl Utf8 {
    /// The text without its byte-order mark.
    pub fn body(&self) -> &[u8] {
        self.bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&self.bytes)
    }
}

/// A CSV or GeoJSON file's text as UTF-8: as it is, or decoded with the
/// layer's `encoding`; text that is neither is refused, naming the encoding
/// that does decode it.
pub fn utf8(cfg: &LayerConfig) -> Result<Utf8> {
    utf8_of(&cfg.path, cfg.encoding.as_deref(), LAYERS)
}

/// The config section a layer's `encoding` goes in, for messages.
pub const LAYERS: &str = "[layers.*]";

/// [`utf8`] for any text file: `encoding` from the config `section` that names it.
pub fn utf8_of(file: &Path, encoding: Option<&str>, section: &'static str) -> Result<Utf8> {
    let bytes = std::fs::read(file).map_err(|e| Error::input(Bad::File, file, None, Msg::CannotRead { detail: e.to_string() }))?;
    let Some(label) = encoding else {
        let text = Utf8 { bytes, transcoded: false };
        if std::str::from_utf8(text.body()).is_err() {
            return Err(not_utf8(file, text.body(), false, section));
        }
        return Ok(text);
    };
    let enc = named(file, label)?;
    let (text, _, bad) = enc.decode(&bytes);
    if bad {
        return Err(Error::input(Bad::Type, file, None, Msg::BadBytes { encoding: enc.name().to_owned(), section }));
    }
    Ok(Utf8 { bytes: text.into_owned().into_bytes(), transcoded: true })
}

/// How to open `cfg`'s file so that every text GDAL returns is UTF-8.
pub fn decoded(cfg: &LayerConfig) -> Result<Decoded> {
    let plain = || Decoded { path: cfg.path.clone(), options: Vec::new(), mem: None };
    match (kind(&cfg.path), cfg.encoding.as_deref()) {
        (Kind::Dbf(_), Some(label)) => {
            let enc = named(&cfg.path, label)?;
            // GDAL recodes through iconv, which knows the WHATWG names encoding_rs gives.
            Ok(Decoded { options: vec![format!("ENCODING={}", enc.name())], ..plain() })
        }
        (Kind::Dbf(dbf), None) => {
            // A .cpg or a CJK language driver id tells GDAL itself; otherwise check the bytes.
            if dbf.with_extension("cpg").exists() || dbf.with_extension("CPG").exists() {
                return Ok(plain());
            }
            let Ok(bytes) = std::fs::read(&dbf) else { return Ok(plain()) };
            // The text of a .dbf: the field names (11 bytes of each 32-byte
            // descriptor after the 32-byte header) and the records.
            let header = bytes.get(8..10).map_or(0, |h| u16::from_le_bytes([h[0], h[1]]) as usize).min(bytes.len());
            let mut records: Vec<u8> = bytes
                .get(32..header)
                .unwrap_or_default()
                .chunks(32)
                .filter(|d| d.len() == 32)
                .flat_map(|d| d[..11].iter().copied().filter(|b| *b != 0).chain([b' ']))
                .collect();
            records.extend_from_slice(&bytes[header..]);
            let records = &records[..];
            if records.is_ascii() {
                return Ok(plain());
            }
            if std::str::from_utf8(records).is_ok() {
                return Ok(Decoded { options: vec!["ENCODING=UTF-8".into()], ..plain() });
            }
            if bytes.get(29).is_some_and(|l| CJK_LDIDS.contains(l)) {
                return Ok(plain());
            }
            Err(not_utf8(&dbf, records, true, LAYERS))
        }
        (Kind::Text, _) => {
            let text = utf8(cfg)?;
            if !text.transcoded {
                return Ok(plain());
            }
            let file = MemFile::for_layer(cfg, InMemoryPart::Text, text.bytes)?;
            Ok(Decoded { path: file.path().to_owned(), options: Vec::new(), mem: Some(file) })
        }
        (Kind::Other, Some(label)) => Err(Error::input(Bad::File, &cfg.path, None, Msg::EncodingNotApplicable { label: label.to_owned() })),
        (Kind::Other, None) => Ok(plain()),
    }
}
