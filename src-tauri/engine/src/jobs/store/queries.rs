//! The history's questions in SQL: pages newest first (keyset paging on the `jobs_newest`
//! index, so page 40 costs what page 1 does), search, filters and counts. Records are read
//! without their notes.

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection};

use crate::jobs::listing::{CheckedQuery, Cursor, HistoryEntry, HistoryPage, JobCounts};
use crate::jobs::record::{self, Stored};

/// `WHERE …` for the filters (not the cursor), with its parameters.
fn filters(q: &CheckedQuery) -> (String, Vec<SqlValue>) {
    let mut clauses = Vec::new();
    let mut params = Vec::new();
    if let Some(text) = &q.text {
        clauses.push("instr(search, ?) > 0".to_string());
        params.push(SqlValue::Text(text.clone()));
    }
    for (column, values) in [("state", &q.states), ("provider", &q.providers)] {
        if !values.is_empty() {
            clauses.push(format!("{column} IN ({})", vec!["?"; values.len()].join(", ")));
            params.extend(values.iter().cloned().map(SqlValue::Text));
        }
    }
    let sql = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
    (sql, params)
}

pub fn list(conn: &Connection, q: &CheckedQuery) -> rusqlite::Result<HistoryPage> {
    let (filter, filter_params) = filters(q);
    let total: i64 =
        conn.query_row(&format!("SELECT count(*) FROM jobs {filter}"), params_from_iter(filter_params.iter()), |r| r.get(0))?;

    let mut params = filter_params;
    let mut sql = format!("SELECT id, created_ms, version, record, topic FROM jobs {filter}");
    if let Some(after) = &q.after {
        sql.push_str(if filter.is_empty() { " WHERE " } else { " AND " });
        sql.push_str("(created_ms < ? OR (created_ms = ? AND id < ?))");
        params.extend([SqlValue::Integer(after.created_ms), SqlValue::Integer(after.created_ms), SqlValue::Text(after.id.clone())]);
    }
    // One more than asked: whether there is a next page, without counting again.
    sql.push_str(" ORDER BY created_ms DESC, id DESC LIMIT ?");
    params.push(SqlValue::Integer(i64::from(q.limit) + 1));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(params.iter()), |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?))
    })?;
    let mut jobs = Vec::new();
    let mut last = None;
    let mut more = false;
    for row in rows {
        let (id, created_ms, version, rec, topic) = row?;
        if jobs.len() == q.limit as usize {
            more = true;
            break;
        }
        jobs.push(match record::read(version, &rec, None) {
            Stored::Known(job) => HistoryEntry::Known { job, topic },
            Stored::Newer(record) => HistoryEntry::Newer { record, topic },
        });
        last = Some(Cursor { created_ms, id });
    }
    let next_cursor = if more { last.map(|c| c.encode()) } else { None };
    Ok(HistoryPage { jobs, next_cursor, total: total.max(0) as u64 })
}

pub fn counts(conn: &Connection) -> rusqlite::Result<JobCounts> {
    let mut counts = JobCounts::default();
    for (column, into) in [("state", &mut counts.by_state), ("provider", &mut counts.by_provider)] {
        let mut stmt = conn.prepare_cached(&format!("SELECT {column}, count(*) FROM jobs GROUP BY {column}"))?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (key, n) = row?;
            into.insert(key, n.max(0) as u64);
        }
    }
    Ok(counts)
}
