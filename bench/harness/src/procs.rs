//! What Linux says about a process and its children: memory (RSS, PSS), CPU time, peak RSS.

use std::path::Path;

/// `pid` and every process below it (WebKit's web and network processes below the app).
pub fn tree(pid: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for e in entries.flatten() {
            let Some(p) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
            if let Some(pp) = stat_field(p, 4).and_then(|s| s.parse().ok()) {
                parents.push((p, pp));
            }
        }
    }
    let mut out = vec![pid];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        out.extend(parents.iter().filter(|(_, pp)| *pp == parent).map(|(p, _)| *p));
        i += 1;
    }
    out
}

/// Field `n` (1-based, as in proc(5)) of /proc/pid/stat; the command name may hold spaces.
fn stat_field(pid: u32, n: usize) -> Option<String> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &s[s.rfind(')')? + 2..];
    // Fields 3.. follow the closing parenthesis of field 2.
    after.split_whitespace().nth(n.checked_sub(3)?).map(str::to_string)
}

pub fn name(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).map(|s| s.trim().to_string()).unwrap_or_default()
}

/// (RSS, PSS) in KiB from smaps_rollup.
pub fn rss_pss_kib(pid: u32) -> Option<(u64, u64)> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let field = |k: &str| s.lines().find(|l| l.starts_with(k)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok());
    Some((field("Rss:")?, field("Pss:")?))
}

/// User + system CPU seconds the process has used so far.
pub fn cpu_secs(pid: u32) -> Option<f64> {
    let utime: f64 = stat_field(pid, 14)?.parse().ok()?;
    let stime: f64 = stat_field(pid, 15)?.parse().ok()?;
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    Some((utime + stime) / hz)
}

/// User + system CPU seconds in a `rusage`.
pub fn rusage_secs(u: &libc::rusage) -> f64 {
    let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    t(u.ru_utime) + t(u.ru_stime)
}

/// User + system CPU seconds this process (every thread of it) has used so far.
pub fn own_cpu_secs() -> f64 {
    // SAFETY: getrusage fills the struct it is given.
    let mut u = unsafe { std::mem::zeroed::<libc::rusage>() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    rusage_secs(&u)
}

/// This process's peak resident memory so far (VmHWM), KiB.
pub fn own_peak_rss_kib() -> Option<u64> {
    status_kib(Path::new("/proc/self/status"), "VmHWM:")
}

fn status_kib(path: &Path, key: &str) -> Option<u64> {
    let s = std::fs::read_to_string(path).ok()?;
    s.lines().find(|l| l.starts_with(key))?.split_whitespace().nth(1)?.parse().ok()
}

/// Sends SIGTERM to every process of the tree, then SIGKILL to what is left after `grace`.
pub fn stop_tree(pids: &[u32], grace: std::time::Duration) {
    for &p in pids {
        // SAFETY: signalling a pid; a pid that has gone is harmless (ESRCH).
        unsafe { libc::kill(p as i32, libc::SIGTERM) };
    }
    let until = std::time::Instant::now() + grace;
    while std::time::Instant::now() < until && pids.iter().any(|p| alive(*p)) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    for &p in pids {
        if alive(p) {
            // SAFETY: as above.
            unsafe { libc::kill(p as i32, libc::SIGKILL) };
        }
    }
}

/// Running and not a zombie.
pub fn alive(pid: u32) -> bool {
    matches!(stat_field(pid, 3).as_deref(), Some(s) if s != "Z" && s != "X")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let me = std::process::id();
        assert!(tree(me).contains(&me));
        let (rss, pss) = rss_pss_kib(me).unwrap();
        assert!(rss > 0 && pss > 0 && pss <= rss);
        assert!(own_peak_rss_kib().unwrap() > 0);
        assert!(cpu_secs(me).unwrap() >= 0.0);
        assert!(alive(me));
        assert!(!name(me).is_empty());
    }
}
