//! One connection to PostgreSQL through libpq itself (the `libpq` crate), so
//! a target is found as `psql` finds it: a service in `pg_service.conf`,
//! `PGPASSFILE`/`~/.pgpass`, `PGHOST`/`PGUSER`/… and the connection string.
//! Nothing here logs or returns the string as given: messages name the
//! target by [`redact`]ed form only.

use crate::error::{Error, Result};

/// What `--to`/`[publish] to` names: a GDAL-style `PG:…`, a libpq
/// connection string or a `postgresql://` URI. `PG:` alone means "libpq's
/// defaults" (the environment and the service file).
pub fn conninfo(target: &str) -> &str {
    target.strip_prefix("PG:").unwrap_or(target).trim()
}

/// The target with any password replaced by `***`, for messages and logs.
pub fn redact(target: &str) -> String {
    let info = conninfo(target);
    if let Some(rest) = info.strip_prefix("postgresql://").or_else(|| info.strip_prefix("postgres://")) {
        let scheme = &info[..info.len() - rest.len()];
        // user:password@host… → user:***@host…
        let rest = match (rest.find('@'), rest.find(':')) {
            (Some(at), Some(colon)) if colon < at => format!("{}:***{}", &rest[..colon], &rest[at..]),
            _ => rest.to_owned(),
        };
        let rest = mask_query_password(&rest);
        return format!("PG:{scheme}{rest}");
    }
    if info.is_empty() {
        return "PG: (libpq's defaults: PGHOST, PGDATABASE, …)".to_owned();
    }
    let mut out = Vec::new();
    for (key, value) in keywords(info) {
        out.push(if key == "password" { format!("{key}=***") } else { format!("{key}={value}") });
    }
    format!("PG:{}", out.join(" "))
}

fn mask_query_password(uri: &str) -> String {
    let Some(q) = uri.find('?') else { return uri.to_owned() };
    let params: Vec<String> = uri[q + 1..].split('&').map(|p| if p.starts_with("password=") { "password=***".to_owned() } else { p.to_owned() }).collect();
    format!("{}?{}", &uri[..q], params.join("&"))
}

/// `key=value` pairs of a libpq connection string (values may be quoted with
/// `'`, with `\'` and `\\` inside), as libpq splits them.
fn keywords(info: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut chars = info.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        if key.is_empty() {
            return pairs;
        }
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == '=') {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '\'' => break,
                    c => value.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                value.push(c);
                chars.next();
            }
        }
        pairs.push((key, value));
    }
}

/// An open connection, and the redacted target every message names.
pub struct Db {
    conn: libpq::Connection,
    pub target: String,
}

impl Db {
    pub fn connect(target: &str) -> Result<Db> {
        let redacted = redact(target);
        let conn = libpq::Connection::new(conninfo(target)).map_err(|e| connect_error(&redacted, &e.to_string()))?;
        if conn.status() != libpq::connection::Status::Ok {
            return Err(connect_error(&redacted, conn.error_message().unwrap_or("")));
        }
        let db = Db { conn, target: redacted };
        // Messages from the server in English whatever its locale, so they can be searched; sise frames them.
        db.exec("SET client_min_messages = warning")?;
        db.exec("SET client_encoding = 'UTF8'")?;
        // So a DBA sees in pg_stat_activity who holds the locks.
        db.exec("SET application_name = 'sise publish'")?;
        Ok(db)
    }

    /// The error a statement failed with, framed with the target.
    fn failed(&self, what: &str, result: Option<&libpq::PQResult>) -> Error {
        let server = result.and_then(|r| r.error_message().ok().flatten()).or_else(|| self.conn.error_message().map(str::to_owned)).unwrap_or_default();
        Error::Database { target: self.target.clone(), message: crate::msg::located(what, server.trim()) }
    }

    /// Run statements that return no rows.
    pub fn exec(&self, sql: &str) -> Result<()> {
        let r = self.conn.exec(sql);
        match r.status() {
            libpq::Status::CommandOk | libpq::Status::TuplesOk => Ok(()),
            _ => Err(self.failed(&statement_head(sql), Some(&r))),
        }
    }

    /// Rows of a query as text (NULL as `None`).
    pub fn rows(&self, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
        let r = self.conn.exec(sql);
        if r.status() != libpq::Status::TuplesOk {
            return Err(self.failed(&statement_head(sql), Some(&r)));
        }
        Ok((0..r.ntuples()).map(|row| (0..r.nfields()).map(|col| r.value(row, col).map(|v| String::from_utf8_lossy(v).into_owned())).collect()).collect())
    }

    /// `COPY … FROM STDIN`, fed the bytes `chunks` yields; `Err` from a chunk aborts the copy.
    pub fn copy_in(&self, sql: &str, chunks: impl Iterator<Item = Result<Vec<u8>>>) -> Result<()> {
        let r = self.conn.exec(sql);
        if r.status() != libpq::Status::CopyIn {
            return Err(self.failed(&statement_head(sql), Some(&r)));
        }
        for chunk in chunks {
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) => {
                    // Tell the server the copy failed, and collect its result so the connection is usable for ROLLBACK.
                    let _ = self.conn.put_copy_end(Some("sise: reading the outputs failed"));
                    while self.conn.result().is_some() {}
                    return Err(e);
                }
            };
            if self.conn.put_copy_data(&chunk).is_err() {
                return Err(self.failed(&statement_head(sql), None));
            }
        }
        self.conn.put_copy_end(None).map_err(|_| self.failed(&statement_head(sql), None))?;
        let mut outcome = Ok(());
        while let Some(r) = self.conn.result() {
            if r.status() != libpq::Status::CommandOk && outcome.is_ok() {
                outcome = Err(self.failed(&statement_head(sql), Some(&r)));
            }
        }
        outcome
    }

    /// `"name"`: every identifier sise writes is quoted, so a key is never read as SQL.
    pub fn ident(&self, name: &str) -> String {
        format!("\"{}\"", name.replace('"', "\"\""))
    }

    /// `'text'`, quoted by libpq for this connection.
    pub fn literal(&self, text: &str) -> Result<String> {
        self.conn
            .escape_literal(text)
            .map(|s| s.to_string_lossy().into_owned())
            .map_err(|e| Error::Database { target: self.target.clone(), message: e.to_string() })
    }
}

fn connect_error(target: &str, why: &str) -> Error {
    Error::Database { target: target.to_owned(), message: crate::msg::PublishTrouble::CannotConnect { why: why.trim().to_owned() }.into() }
}

/// A statement's first words, to say which one failed without echoing data.
fn statement_head(sql: &str) -> String {
    let words: Vec<&str> = sql.split_whitespace().take(6).collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_a_message() {
        assert_eq!(redact("PG:host=db user=sise password=s3cret dbname=risk"), "PG:host=db user=sise password=*** dbname=risk");
        assert_eq!(redact("PG:password='a b\\' c' host=db"), "PG:password=*** host=db");
        assert_eq!(
            redact("postgresql://sise:s3cret@db:5432/risk?sslmode=require&password=x"),
            "PG:postgresql://sise:***@db:5432/risk?sslmode=require&password=***"
        );
        assert_eq!(redact("PG:service=sise"), "PG:service=sise");
        assert_eq!(redact("PG:"), "PG: (libpq's defaults: PGHOST, PGDATABASE, …)");
    }
}
