//! Performance figures for the README, measured on the release binary (no assertions).
//!
//! ```text
//! cargo build --release && cargo bench --bench figures
//! ```
//!
//! The binary is `$CCAUTH_BIN`, else `target/release/ccauth` (built with `cargo build --release`
//! first if it is missing). Prints, beside the budgets of `PRODUCT.md`:
//! (a) spawn → first complete dashboard frame in an 80×24 pseudo-terminal, median and p95 of 30;
//! (b) `ccauth status --json` wall time, median and p95 of 50;
//! (c) CPU time and wake-ups (context switches of every thread) over 10 s idle on the dashboard;
//! (d) peak resident memory (`VmHWM`) just before quitting;
//! (e) the release binary's size.
//! Linux only: (c) and (d) read `/proc`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::pty::highlighted;
use common::{Home, Login, Pty, command_for};

const VERDICT: &str = "Claude Code (interactive) will use";
const IDLE: Duration = Duration::from_secs(10);

fn main() {
    let bin = release_binary();
    let home = Home::new()
        .login(&Login::valid())
        .account("me@example.com")
        .api_key();
    eprintln!("measuring {} …", bin.display());

    let first_frame = first_frame_times(&bin, &home, 30);
    let status_json = status_json_times(&bin, &home, 50);
    let idle = idle_figures(&bin, &home);
    let sign_in = sign_in_figures(&bin, 10);
    let size = std::fs::metadata(&bin).expect("binary size").len();

    println!();
    println!(
        "Measured on {} with {} CPU(s); fixture: subscription login + undecided ANTHROPIC_API_KEY.",
        machine(),
        std::thread::available_parallelism().map_or(0, std::num::NonZeroUsize::get)
    );
    println!();
    println!("| Figure | Measured | Budget |");
    println!("|---|---|---|");
    println!(
        "| First complete dashboard frame (spawn → verdict, 80×24 PTY) | median {}, p95 {} (30 runs) | < 30 ms |",
        ms(percentile(&first_frame, 50)),
        ms(percentile(&first_frame, 95))
    );
    println!(
        "| `ccauth status --json` wall time | median {}, p95 {} (50 runs) | < 10 ms |",
        ms(percentile(&status_json, 50)),
        ms(percentile(&status_json, 95))
    );
    println!(
        "| CPU while idle on the dashboard ({} s) | {:.0} ms ({:.2} %) | 0.0 % |",
        IDLE.as_secs(),
        idle.cpu_ms,
        idle.cpu_ms / IDLE.as_secs_f64() / 10.0
    );
    println!(
        "| Wake-ups while idle ({} s, context switches of all threads) | {}{} | 0 |",
        IDLE.as_secs(),
        idle.wakeups,
        if idle.threads_gone > 0 {
            format!(" (+{} thread(s) exited meanwhile)", idle.threads_gone)
        } else {
            String::new()
        }
    );
    println!(
        "| Peak resident memory (VmHWM, dashboard) | {:.1} MiB | < 20 MiB |",
        kib_to_mib(idle.vm_hwm_kib)
    );
    println!(
        "| Sign-in: browser's callback request → success frame (`ccauth demo`, exchange with the local issuer included) | median {}, p95 {} (10 runs) | — |",
        ms(percentile(&sign_in.callback_to_success, 50)),
        ms(percentile(&sign_in.callback_to_success, 95))
    );
    println!(
        "| Peak resident memory during a sign-in (VmHWM, `ccauth demo`) | {:.1} MiB | < 20 MiB |",
        kib_to_mib(sign_in.vm_hwm_kib)
    );
    #[allow(clippy::cast_precision_loss)]
    let size_mib = size as f64 / 1024.0 / 1024.0;
    println!("| Release binary size | {size_mib:.2} MiB | < 12 MiB |");
}

/// `$CCAUTH_BIN`, else `target/release/ccauth`, built first if it is missing.
fn release_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("CCAUTH_BIN") {
        return PathBuf::from(bin);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    let bin = target.join("release").join("ccauth");
    if !bin.exists() {
        eprintln!(
            "{} is missing: running cargo build --release",
            bin.display()
        );
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--release", "--bin", "ccauth"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("run cargo build --release");
        assert!(status.success(), "cargo build --release failed");
    }
    bin
}

/// Whether the dashboard is fully drawn: the verdict, and the winner both selected in the list
/// and titled in the details pane.
fn dashboard_complete(screen: &vt100::Screen) -> bool {
    let contents = screen.contents();
    contents.contains(VERDICT)
        && contents.contains("┌ Claude login (/login) ")
        && highlighted(screen)
            .iter()
            .any(|row| row.contains("Claude login (/login)"))
}

fn first_frame_times(bin: &Path, home: &Home, runs: usize) -> Vec<Duration> {
    (0..runs)
        .map(|_| {
            let mut pty = Pty::spawn_program(bin, home, 80, 24, &["status"]);
            pty.wait_until("the dashboard", dashboard_complete);
            let first = pty
                .first_seen(dashboard_complete)
                .expect("replayed output shows the dashboard");
            pty.send(b"q");
            pty.wait_exit();
            first
        })
        .collect()
}

fn status_json_times(bin: &Path, home: &Home, runs: usize) -> Vec<Duration> {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            let output = command_for(bin, home)
                .args(["status", "--json"])
                .output()
                .expect("run status --json");
            let elapsed = start.elapsed();
            assert!(output.status.code().is_some(), "status --json was killed");
            elapsed
        })
        .collect()
}

struct Idle {
    cpu_ms: f64,
    wakeups: u64,
    threads_gone: usize,
    vm_hwm_kib: u64,
}

fn idle_figures(bin: &Path, home: &Home) -> Idle {
    let mut pty = Pty::spawn_program(bin, home, 80, 24, &["status"]);
    pty.wait_until("the dashboard", dashboard_complete);
    let pid = pty.pid();
    // Let the first load's worker finish whatever it still does after the frame.
    std::thread::sleep(Duration::from_millis(200));
    let cpu_before = cpu_ticks(pid);
    let switches_before = context_switches(pid);
    std::thread::sleep(IDLE);
    let cpu_after = cpu_ticks(pid);
    let switches_after = context_switches(pid);
    let vm_hwm_kib = status_field(pid, "VmHWM").expect("VmHWM in /proc/<pid>/status");
    pty.send(b"q");
    pty.wait_exit();

    let mut wakeups = 0;
    let mut threads_gone = 0;
    for (tid, before) in &switches_before {
        match switches_after.get(tid) {
            Some(after) => wakeups += after.saturating_sub(*before),
            None => threads_gone += 1,
        }
    }
    for (tid, after) in &switches_after {
        if !switches_before.contains_key(tid) {
            wakeups += after;
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let cpu_ms = (cpu_after - cpu_before) as f64 * 1000.0 / clock_ticks_per_second() as f64;
    Idle {
        cpu_ms,
        wakeups,
        threads_gone,
        vm_hwm_kib,
    }
}

/// utime + stime of the process, in clock ticks (fields 14 and 15 of `/proc/<pid>/stat`).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("read /proc/pid/stat");
    // The command name may hold spaces; the fields after it start past the last ')'.
    let rest = &stat[stat.rfind(')').expect("stat format") + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state), so field n is at index n - 3.
    fields[14 - 3].parse::<u64>().unwrap() + fields[15 - 3].parse::<u64>().unwrap()
}

/// Voluntary + involuntary context switches of every thread, by thread id.
fn context_switches(pid: u32) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(format!("/proc/{pid}/task")).expect("list threads") {
        let tid = entry.unwrap().file_name().to_string_lossy().into_owned();
        let path = format!("/proc/{pid}/task/{tid}/status");
        let Ok(status) = std::fs::read_to_string(&path) else {
            continue;
        };
        let total = ["voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"]
            .iter()
            .filter_map(|name| field(&status, name))
            .sum();
        out.insert(tid, total);
    }
    out
}

fn status_field(pid: u32, name: &str) -> Option<u64> {
    field(
        &std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?,
        name,
    )
}

/// The number after `name:` in a `/proc` status file (units such as `kB` dropped).
fn field(status: &str, name: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let value = line.strip_prefix(name)?.strip_prefix(':')?;
        value.split_whitespace().next()?.parse().ok()
    })
}

fn clock_ticks_per_second() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(100)
}

fn machine() -> String {
    Command::new("uname")
        .args(["-srm"])
        .output()
        .ok()
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .map_or_else(
            || String::from("an unknown system"),
            |s| s.trim().to_owned(),
        )
}

/// The `p`th percentile by nearest rank.
fn percentile(samples: &[Duration], p: usize) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

#[allow(clippy::cast_precision_loss)]
fn kib_to_mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// What a demo sign-in measured.
struct SignInFigures {
    callback_to_success: Vec<Duration>,
    vm_hwm_kib: u64,
}

/// Plays the browser for the demo issuer: approves, notes the time, then requests the callback.
const DEMO_BROWSER: &str = r#"#!/bin/sh
url="$1"
base="${url%%/authorize*}"
req=$(curl -s "$url" | sed -n 's/.*name="request" value="\([^"]*\)".*/\1/p' | head -n 1)
callback=$(curl -s -o /dev/null -w '%{redirect_url}' -d "request=$req&decision=approve" "$base/authorize/decision")
date +%s%N > "$CCAUTH_BENCH_STAMP"
curl -s -o /dev/null -L "$callback"
"#;

fn sign_in_figures(bin: &Path, runs: usize) -> SignInFigures {
    let dir = tempfile::tempdir().expect("temporary directory");
    let browser = dir.path().join("browser.sh");
    std::fs::write(&browser, DEMO_BROWSER).expect("browser script");
    std::fs::set_permissions(
        &browser,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("browser script mode");
    let stamp = dir.path().join("callback-at");
    let mut times = Vec::with_capacity(runs);
    let mut vm_hwm_kib = 0;
    for _ in 0..runs {
        let _ = std::fs::remove_file(&stamp);
        let home = Home::new()
            .env("BROWSER", &browser)
            .env("CCAUTH_BENCH_STAMP", &stamp);
        let mut pty = Pty::spawn_program(bin, &home, 100, 30, &["demo"]);
        let signed_in = |screen: &vt100::Screen| screen.contents().contains("Signed in as");
        pty.wait_until("the demo sign-in to succeed", signed_in);
        vm_hwm_kib = vm_hwm_kib.max(status_field(pty.pid(), "VmHWM").unwrap_or(0));
        let seen = pty
            .first_seen(signed_in)
            .expect("replayed output shows success");
        // The frame's wall-clock time: spawn time on the wall clock plus the offset seen.
        let spawned_wall = std::time::SystemTime::now() - pty.spawned_at().elapsed();
        let success_ns = (spawned_wall + seen)
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_nanos();
        let callback_ns: u128 = std::fs::read_to_string(&stamp)
            .expect("the browser script noted the callback time")
            .trim()
            .parse()
            .expect("nanoseconds");
        let nanos = u64::try_from(success_ns.saturating_sub(callback_ns)).unwrap_or(u64::MAX);
        times.push(Duration::from_nanos(nanos));
        pty.send(b"q");
        pty.wait_exit();
    }
    SignInFigures {
        callback_to_success: times,
        vm_hwm_kib,
    }
}
